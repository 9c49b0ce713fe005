import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256 } from '../shared/hash';
import { ValidationError } from '../shared/errors';
import { isBookkeeping, METADATA_FILE, parseVersionDirName, sortVersions } from './layout';
import type { Area, PlaybookMetadata, ScriptFormat } from './metadata';
import type { PlaybookSummary } from './types';
import { assertValidMetadata } from './validate';

/** Reading what is on disk. Nothing here writes; bookkeeping names (".tmp-…") are invisible. */

export async function readdirOrEmpty(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}

/** Playbook ids in an area folder (real directories only: a symlinked id folder is ignored and reported by doctor). */
export async function listIds(areaDir: string): Promise<string[]> {
  return (await readdirOrEmpty(areaDir)).filter((d) => d.isDirectory() && !isBookkeeping(d.name)).map((d) => d.name);
}

/** Versions present in a playbook folder, ascending semver. */
export async function listVersions(playbookDir: string): Promise<string[]> {
  const versions: string[] = [];
  for (const d of await readdirOrEmpty(playbookDir)) {
    if (!d.isDirectory() || isBookkeeping(d.name)) continue;
    const v = parseVersionDirName(d.name);
    if (v) versions.push(v);
  }
  return sortVersions(versions);
}

export interface LoadedMetadata {
  metadata: PlaybookMetadata;
  /** The exact bytes, for content_hash. */
  raw: Buffer;
}

/** Reads and validates <versionDir>/metadata.json (schema + folder names). */
export async function loadMetadata(versionDir: string, expect: { playbookId: string; version: string }): Promise<LoadedMetadata> {
  const file = path.join(versionDir, METADATA_FILE);
  const raw = await fs.readFile(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new ValidationError(`${file} is not valid JSON`, [], { hint: 'fix the file or run `escher-playbook doctor`', cause: e });
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

/**
 * Summary of one playbook folder: the newest version whose metadata is valid. Invalid versions
 * are left out of `versions` (doctor reports them). Undefined when no version is readable.
 */
export async function scanPlaybook(area: Area, playbookDir: string, id: string, onInvalid?: (file: string, e: unknown) => void): Promise<PlaybookSummary | undefined> {
  const versions = await listVersions(playbookDir);
  const readable = [...versions];
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i]!;
    try {
      const loaded = await loadMetadata(path.join(playbookDir, `v${v}`), { playbookId: id, version: v });
      return summarize(area, readable, loaded);
    } catch (e) {
      onInvalid?.(path.join(playbookDir, `v${v}`, METADATA_FILE), e);
      readable.splice(i, 1);
    }
  }
  return undefined;
}
