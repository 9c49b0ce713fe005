import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Atomic writes, as cacache does them: write a sibling temp file, fsync it, rename it over the
 * target, fsync the directory so the rename itself survives a power cut. Readers see the old
 * bytes or the new bytes, never a torn file. Temp names start with `.tmp-` so `doctor` can find
 * strays left by a crash.
 */
export const TEMP_PREFIX = '.tmp-';

export function tempSibling(target: string): string {
  return path.join(path.dirname(target), `${TEMP_PREFIX}${path.basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // Some filesystems refuse fsync on a directory (EISDIR/EINVAL/EPERM); the rename is still atomic there.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw e;
  } finally {
    await handle?.close();
  }
}

/**
 * `durable: false` skips both fsyncs, for caches that write many files and then fsync their
 * folder once (fsyncDir) before recording that they did: a file torn by a power cut must then be
 * detected on read and fetched again. `exactMode`: `mode` exactly, whatever the umask (a stored
 * version's read-only modes). `beforeRename` runs last before the rename (a lock-still-held check).
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: { mode?: number; durable?: boolean; exactMode?: boolean; beforeRename?: () => void | Promise<void> } = {},
): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  try {
    const handle = await fs.open(tmp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (options.exactMode && options.mode !== undefined) await handle.chmod(options.mode);
      if (options.durable !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeRename?.();
    await fs.rename(tmp, target);
    if (options.durable !== false) await fsyncDir(path.dirname(target));
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

export async function writeJsonAtomic(target: string, value: unknown, options: { mode?: number; durable?: boolean } = {}): Promise<void> {
  await writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n', options);
}

/** fsync every regular file under `dir` and the directories themselves (before a directory rename publishes them). */
export async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await fsyncTree(p);
    else if (entry.isFile()) {
      const h = await fs.open(p, 'r');
      try {
        await h.sync();
      } finally {
        await h.close();
      }
    }
  }
  await fsyncDir(dir);
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
