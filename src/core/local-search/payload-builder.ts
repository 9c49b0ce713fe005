import * as path from 'node:path';
import { readInside } from '../shared/contained-fs';
import { sha256 } from '../shared/hash';
import type { Area, PlaybookMetadata, ScriptFormat } from '../playbook-store/metadata';
import type { Playbook } from '../playbook-store/types';
import { embeddingText } from './document-text';
import type { PlaybookPayload } from './payload';
import { SCRIPT_BODY_LIMIT } from './payload';

/** Builds the collection payload of one playbook version from its metadata (no I/O). */
export function payloadFromMetadata(metadata: PlaybookMetadata, area: Area, contentHash: string, scripts: Record<string, string> = {}): PlaybookPayload {
  const formats = [...new Set(metadata.scripts.map((s) => s.format))].sort() as ScriptFormat[];
  const base = {
    name: metadata.name,
    keywords: metadata.keywords,
    resource_types: metadata.resource_types,
    description: metadata.description,
  };
  return {
    playbook_id: metadata.playbook_id,
    version: metadata.version,
    area,
    ...base,
    cloud_provider: metadata.cloud_provider,
    formats,
    resource_types_lc: metadata.resource_types.map((r) => r.toLowerCase()),
    updated_at: metadata.updated_at,
    content_hash: contentHash,
    embed_hash: sha256(embeddingText(base)),
    metadata,
    scripts,
  };
}

/**
 * Builds the payload from a playbook on disk: the content hash is the sha256 of metadata.json's
 * bytes (the same hash the store's listPlaybooks reports, so reconcile can compare them), and
 * small non-sensitive scripts are read as text through the store (which verifies their checksums).
 */
export async function payloadFromPlaybook(playbook: Playbook, readScript: (p: Playbook, scriptPath: string) => Promise<Buffer>): Promise<PlaybookPayload> {
  const bytes = await readInside(path.dirname(playbook.dir), path.join(playbook.dir, 'metadata.json'), 'metadata.json');
  const scripts: Record<string, string> = {};
  for (const s of playbook.metadata.scripts) {
    if (s.sensitive || s.size > SCRIPT_BODY_LIMIT) continue;
    try {
      const body = await readScript(playbook, s.path);
      const text = body.toString('utf8');
      // Binary content has no place in a text payload.
      if (!text.includes('\u0000') && Buffer.byteLength(text) === body.length) scripts[s.path] = text;
    } catch {
      // A missing or damaged script does not keep the playbook out of search; doctor reports it.
    }
  }
  return payloadFromMetadata(playbook.metadata, playbook.area, sha256(bytes), scripts);
}
