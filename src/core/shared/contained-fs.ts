import { constants, type Stats, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OutsideRootError, ValidationError } from './errors';

/**
 * File access confined to a root folder: the one rule behind every read, upload and delete of
 * the store, the script cache and the publisher — the REAL path of what is touched must be inside
 * the REAL path of its root. A root that is itself a symlink (a cache moved to a bigger disk and
 * linked back) is fine; a symlink below the root that leads out of it is refused.
 *
 * Reads check what they opened, not a path checked beforehand: the file is opened with
 * O_NOFOLLOW (a symlink as the last component fails to open), then the real path of the OPENED
 * file must be inside the root: on Linux as the kernel reports it for the descriptor; elsewhere
 * the name is resolved again and must name the very file the handle holds (same device and
 * inode), so a folder swapped for a symlink between the open and the check fails. Swapping it
 * after the check changes nothing: the bytes come from the handle.
 *
 * Deletes (and renames into place) have no handle to check: they resolve the real path of the
 * parent folder, check it, and act on that real path, which has no symlink in it. A process that
 * can rewrite folders inside the root while we work could still race that; it could as well
 * delete the files itself.
 */

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
// A FIFO planted in place of a script would block a plain open() forever; O_NONBLOCK makes it
// open at once (and then fail the regular-file check). No effect on regular files.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const READ_FLAGS = constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK;

export function isInside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

function outside(kind: string, target: string, realRoot: string): OutsideRootError {
  return new OutsideRootError(`${kind} "${target}" resolves outside ${realRoot} (through a symlink)`, {
    hint: 'a folder below it is a symlink that leads out of it; replace the symlink with a real folder (a symlink at the root itself is fine)',
  });
}

/**
 * Opens `file` for reading, refusing a symlink, anything but a regular file, and a file whose
 * real path is outside `root`. The caller closes the handle.
 */
export async function openInside(root: string, file: string, kind = 'File'): Promise<{ handle: fs.FileHandle; stats: Stats }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, READ_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Linux says ELOOP, FreeBSD EMLINK, NetBSD EFTYPE for an O_NOFOLLOW open of a symlink.
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE') {
      throw new OutsideRootError(`${kind} "${file}" is a symlink`, { hint: 'replace it with the real file; symlinks are never followed here' });
    }
    throw e;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ValidationError(`${kind} "${file}" is not a regular file`, [], { hint: 'replace it with the real file' });
    const [realRoot, real] = await Promise.all([fs.realpath(root), realPathOfOpened(handle, file, stats, kind)]);
    if (!isInside(realRoot, real)) throw outside(kind, file, realRoot);
    return { handle, stats };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * The real path of the file `handle` holds. On Linux the kernel says it (/proc/self/fd: one
 * readlink, about the open file itself). Elsewhere (or without /proc) the name is resolved again
 * and must still name the same file (device and inode), or the file was swapped meanwhile.
 */
export async function realPathOfOpened(handle: fs.FileHandle, file: string, stats: Stats, kind: string, options: { proc?: boolean } = {}): Promise<string> {
  if ((options.proc ?? process.platform === 'linux') && process.platform === 'linux') {
    try {
      return await fs.readlink(`/proc/self/fd/${handle.fd}`);
    } catch {
      // No /proc (a sandbox without it): the portable way below.
    }
  }
  const real = await fs.realpath(file);
  const now = await fs.lstat(real);
  if (now.ino !== stats.ino || now.dev !== stats.dev) {
    throw new OutsideRootError(`${kind} "${file}" was replaced while it was being opened`, { hint: 'retry; if it happens again, something is rewriting that folder' });
  }
  return real;
}

/** The whole file, read through openInside. */
export async function readInside(root: string, file: string, kind = 'File'): Promise<Buffer> {
  const { handle } = await openInside(root, file, kind);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * The real path to act on for `target` (delete, rename into, create in): its parent folder's real
 * path, checked to be inside `root`, joined with its own name (not followed: a symlink named
 * `target` is itself the thing acted on). Undefined when the parent does not exist.
 */
export async function realTargetInside(root: string, target: string, kind = 'Path'): Promise<string | undefined> {
  const realRoot = await fs.realpath(root);
  const resolved = path.resolve(target);
  if (path.resolve(root) === resolved) return realRoot;
  let parent: string;
  try {
    parent = await fs.realpath(path.dirname(resolved));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!isInside(realRoot, parent)) throw outside(kind, target, realRoot);
  return path.join(parent, path.basename(resolved));
}

/** Removes `target` (recursively when asked) after realTargetInside. False when nothing was there. */
export async function removeInside(root: string, target: string, options: { recursive?: boolean; kind?: string } = {}): Promise<boolean> {
  const real = await realTargetInside(root, target, options.kind ?? 'Path');
  if (real === undefined) return false;
  try {
    await fs.lstat(real);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  // fs.rm never follows a symlink: a link is unlinked, a folder's links are unlinked, not descended.
  await fs.rm(real, { force: true, recursive: options.recursive === true });
  return true;
}

/** Removes an empty folder after realTargetInside; false when it is not empty or not there. */
export async function rmdirInside(root: string, dir: string): Promise<boolean> {
  const real = await realTargetInside(root, dir, 'Folder');
  if (real === undefined) return false;
  try {
    await fs.rmdir(real);
    return true;
  } catch {
    return false;
  }
}

/**
 * The real path of folder `dir`, checked to be inside `root`: for listing a folder or creating
 * files in it. Undefined when it does not exist.
 */
export async function realDirInside(root: string, dir: string, kind = 'Folder'): Promise<string | undefined> {
  const realRoot = await fs.realpath(root);
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!isInside(realRoot, real)) throw outside(kind, dir, realRoot);
  return real;
}

/**
 * Follows symlinks: throws when the real location of `target` (or of its nearest existing
 * ancestor) is outside the real location of `root`. For a path about to be created or checked
 * before a write; reads use openInside, which checks what it opened.
 */
export async function assertRealpathInside(root: string, target: string, kind = 'Path'): Promise<void> {
  const realRoot = await fs.realpath(root);
  let probe = path.resolve(target);
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      if (!isInside(realRoot, real)) throw outside(kind, target, realRoot);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const parent = path.dirname(probe);
      if (parent === probe) return;
      probe = parent;
    }
  }
}
