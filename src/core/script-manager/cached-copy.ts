import type { ScriptFormat } from '../playbook-store/metadata';
import type { MetadataCache } from './metadata-cache';
import type { ScriptCache } from './script-cache';

/** One verified cached file of a copy (absolute `file`; `path` as in metadata.json). */
export interface CopyFile {
  file: string;
  path: string;
  sha256: string;
  size: number;
}

export interface CachedCopy {
  version: string;
  files: CopyFile[];
  /** At least one file is past the cache TTL (still verified: versions are immutable). */
  expired: boolean;
}

/**
 * What the script cache can answer for (playbook, format[, version]) without the server: the
 * cached metadata of that version — or, without one, of the newest cached version — and every
 * script of the format present in the cache with the sha256 that metadata names (lookup verifies
 * size and hash). Undefined when any part is missing: a partial copy cannot stand in for the
 * whole format.
 */
export async function cachedCopy(cache: ScriptCache, metadata: MetadataCache, playbookId: string, format: ScriptFormat, version: string | undefined): Promise<CachedCopy | undefined> {
  const v = version ?? (await metadata.latestVersion(playbookId));
  if (v === undefined) return undefined;
  const m = await metadata.get(playbookId, v);
  const scripts = (m?.metadata.scripts ?? []).filter((s) => s.format === format).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (scripts.length === 0) return undefined;
  const files: CopyFile[] = [];
  let expired = false;
  for (const s of scripts) {
    const found = await cache.lookup({ playbookId, version: v, path: s.path });
    if (found.status === 'miss' || found.entry.sha256 !== s.sha256) return undefined;
    expired ||= found.status === 'expired';
    files.push({ file: found.file, path: s.path, sha256: s.sha256, size: s.size });
  }
  return { version: v, files, expired };
}
