import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, writeFileAtomic } from '../shared/atomic-fs';
import { IntegrityError, NotFoundError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { resolveInside } from '../shared/safe-path';
import { encryptScript } from './sensitive';
import type { Playbook } from './types';
import { storedFileMode } from './version-writer';

/** A script of a stored version as it must be again: its plaintext, verified against that version's metadata before a byte is written. */
export interface RestoredFile {
  path: string;
  plain: Uint8Array;
}

/**
 * Puts damaged files of a stored version back as its metadata.json records them (`restore`): the
 * one place a version folder is written after it was published. Each file is checked against the
 * size and SHA-256 of its entry first (all of them, before anything is written), sealed again
 * when it is sensitive, written under a temp name beside its place with the store's read-only
 * mode, fsynced and renamed over whatever is there — a symlink planted in its place is replaced
 * itself, never followed — and the folder fsynced. metadata.json is never touched: it is what the
 * files are restored to. The caller holds the playbook's lock (`beforeCommit` checks it).
 */
export async function rewriteVersionFiles(playbook: Playbook, files: readonly RestoredFile[], key: Buffer | undefined, beforeCommit: () => void): Promise<void> {
  const { playbook_id: id, version } = playbook.metadata;
  const planned = files.map((f) => {
    const entry = playbook.metadata.scripts.find((s) => s.path === f.path);
    if (!entry) throw new NotFoundError(`${id} v${version} has no script "${f.path}" to restore`);
    if (f.plain.length !== entry.size || sha256(f.plain) !== entry.sha256) {
      throw new IntegrityError(`The bytes to restore ${f.path} of ${id} v${version} with do not match its metadata.json`, { hint: 'nothing was changed; fetch them again' });
    }
    if (entry.sensitive && !key) throw new ValidationError(`Script "${f.path}" is sensitive but no data key is available`, [], { hintCode: 'data-key-missing' });
    const bytes = entry.sensitive ? encryptScript(key!, id, entry.path, f.plain) : f.plain;
    return { full: resolveInside(playbook.dir, f.path, 'Script path'), bytes, mode: storedFileMode(f.path, entry.sensitive === true) };
  });
  for (const p of planned) {
    await formatFolder(playbook.dir, path.dirname(p.full));
    // rename(2) replaces the directory entry: a symlink there goes, its target is untouched.
    await writeFileAtomic(p.full, p.bytes, {
      mode: p.mode,
      exactMode: true,
      beforeRename: async () => {
        await assertNotFolder(p.full);
        beforeCommit();
      },
    });
  }
}

/**
 * The format folder ("shell/") of a version, made a real folder: created when it is gone, and a
 * symlink (or a file) planted in its place removed first — the link itself, its target untouched.
 * Its files are then all missing from the version, so they are among those being restored.
 */
async function formatFolder(versionDir: string, dir: string): Promise<void> {
  if (path.dirname(dir) !== versionDir) throw new ValidationError(`${dir} is not a format folder of ${versionDir}`);
  const st = await fs.lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (st?.isDirectory()) return;
  if (st) await fs.unlink(dir);
  await fs.mkdir(dir);
  await fsyncDir(versionDir);
}

/** A folder where a script file belongs is not removed (it may hold someone's work): the user moves it. */
async function assertNotFolder(file: string): Promise<void> {
  const st = await fs.lstat(file).catch(() => undefined);
  if (st?.isDirectory()) throw new ValidationError(`${file} is a folder where a script file belongs`, [], { hint: 'move it out of the store, then restore again' });
}
