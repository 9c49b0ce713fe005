import type { ScriptEntry } from './metadata';
import type { Playbook } from './types';
import { openInside } from '../shared/contained-fs';
import { IntegrityError, NotFoundError } from '../shared/errors';
import { sha256Handle } from '../shared/hash';
import { resolveInside } from '../shared/safe-path';

export interface ResolvedFile {
  /** Absolute path. */
  file: string;
  /** "<format>/<file>" as in metadata.json. */
  path: string;
  /** SHA-256 computed from the file's bytes when it was resolved (equal to the recorded one, or it was refused). */
  sha256: string;
  size: number;
}

/**
 * Store scripts as resolve hands them out: each one opened inside its version folder (no symlink,
 * a regular file, its real path inside: shared/contained-fs.ts) and hashed from that handle, then
 * compared with the size and SHA-256 its metadata.json records. A file edited since it was saved
 * is refused, not returned with the recorded hash as if it had been checked.
 */
export async function verifiedStoreFiles(playbook: Playbook, scripts: readonly ScriptEntry[], source: string): Promise<ResolvedFile[]> {
  const m = playbook.metadata;
  const out: ResolvedFile[] = [];
  for (const s of scripts) {
    const file = resolveInside(playbook.dir, s.path, 'Script path');
    let opened;
    try {
      opened = await openInside(playbook.dir, file, 'Script');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new NotFoundError(`Script ${file} of ${source} playbook "${m.playbook_id}" v${m.version} is missing`, { hint: 'restore it', hintCode: 'store-needs-check' });
    }
    let actual: { sha256: string; size: number };
    try {
      actual = await sha256Handle(opened.handle, opened.stats.size);
    } finally {
      await opened.handle.close();
    }
    if (actual.size !== s.size || actual.sha256 !== s.sha256) {
      throw new IntegrityError(
        `Script ${file} of ${source} playbook "${m.playbook_id}" v${m.version} does not match metadata.json: it is ${actual.size} bytes with SHA-256 ${actual.sha256}, metadata.json records ${s.size} bytes with SHA-256 ${s.sha256}`,
        { hint: MODIFIED_VERSION_HINT, hintCode: modifiedHintCode(playbook) },
      );
    }
    out.push({ file, path: s.path, sha256: actual.sha256, size: actual.size });
  }
  return out;
}

/** A published version (in synced/) can also be restored from the server: its own hint code says so. */
export function modifiedHintCode(playbook: Pick<Playbook, 'area'>): 'version-modified' | 'version-modified-published' {
  return playbook.area === 'synced' ? 'version-modified-published' : 'version-modified';
}

/** The surface-neutral hint of every refusal of a modified version (hint code `version-modified` words it per surface). */
export const MODIFIED_VERSION_HINT = 'versions are immutable: save the change as the next version through a draft, or restore the file (a published version: from the server)';
