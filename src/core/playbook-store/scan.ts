import * as path from 'node:path';
import { readInside } from '../shared/contained-fs';
import { sha256 } from '../shared/hash';
import { ValidationError } from '../shared/errors';
import { METADATA_FILE } from './layout';
import type { Area, PlaybookMetadata, ScriptFormat } from './metadata';
import type { PlaybookSummary } from './types';
import { assertValidMetadata } from './validate';

/** Reading metadata.json files (folder names: store-folders.ts). Nothing here writes. */

export interface LoadedMetadata {
  metadata: PlaybookMetadata;
  /** The exact bytes, for content_hash. */
  raw: Buffer;
}

/**
 * Reads and validates <versionDir>/metadata.json (schema + folder names). The file must be a
 * regular file whose real path is inside the playbook folder: a symlinked metadata.json (or
 * version folder) is refused, never followed, even when it leads to valid metadata.
 */
export async function loadMetadata(versionDir: string, expect: { playbookId: string; version: string }): Promise<LoadedMetadata> {
  const file = path.join(versionDir, METADATA_FILE);
  const raw = await readInside(path.dirname(versionDir), file, METADATA_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new ValidationError(`${file} is not valid JSON`, [], { hint: 'fix the file', hintCode: 'store-needs-check', cause: e });
  }
  return { metadata: assertValidMetadata(parsed, file, expect), raw };
}

export function summarize(area: Area, versions: string[], loaded: LoadedMetadata): PlaybookSummary {
  const m = loaded.metadata;
  const formats = [...new Set(m.scripts.map((s) => s.format))].sort() as ScriptFormat[];
  return {
    playbook_id: m.playbook_id,
    version: m.version,
    versions,
    area,
    name: m.name,
    description: m.description,
    keywords: m.keywords,
    cloud_provider: m.cloud_provider,
    resource_types: m.resource_types,
    storage_strategy: m.storage_strategy,
    source: m.source,
    formats,
    updated_at: m.updated_at,
    content_hash: sha256(loaded.raw),
  };
}
