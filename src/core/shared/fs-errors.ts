import { StorageError } from './errors';
import type { HintCode } from './hint-codes';

/**
 * Node's file-system errors as the user should see them. A raw `ENOSPC: no space left on device,
 * write` says neither where nor what to do; these name the cause, the path when it is known (a
 * write on an open file carries none, so writers that know their target pass it), and the way
 * out. Only conditions of the machine are mapped — a full disk, permissions, a read-only or
 * failing disk, something of the wrong kind in the way; ENOENT and friends stay with the code
 * that expects them.
 */
interface Known {
  what: string;
  hint: string;
  hintCode?: HintCode;
}

const SPACE_HINT = 'free some space (emptying the script cache frees what it holds), then try again; what was already stored is unchanged';

const KNOWN: Readonly<Record<string, Known>> = {
  ENOSPC: { what: 'No space left on the device', hint: SPACE_HINT, hintCode: 'disk-full' },
  EDQUOT: { what: 'Disk quota exceeded', hint: SPACE_HINT, hintCode: 'disk-full' },
  EACCES: { what: 'Permission denied', hint: 'check the owner and mode of that file or folder (and of the Escher home folder)' },
  EPERM: { what: 'Operation not permitted', hint: 'check the owner, mode and attributes of that file or folder (and of the Escher home folder)' },
  EROFS: { what: 'The file system is read-only', hint: 'point the Escher home at a writable folder', hintCode: 'home-not-writable' },
  EISDIR: { what: 'A folder is where a file belongs', hint: 'move that folder away (Escher does not create it), then run the command again' },
  ENOTDIR: { what: 'A file is where a folder belongs', hint: 'move that file away (Escher does not create it), then run the command again' },
  EIO: { what: 'The disk reported an I/O error', hint: 'the disk may be failing; check it (dmesg) before trusting what is on it' },
  EMFILE: { what: 'Too many open files', hint: 'raise the open-file limit (ulimit -n) and run the command again' },
  ENFILE: { what: 'Too many open files on this machine', hint: 'close other programs or raise the system limit, then run the command again' },
};

const VERBS: Readonly<Record<string, string>> = {
  write: 'writing',
  open: 'opening',
  read: 'reading',
  rename: 'renaming',
  mkdir: 'creating a folder',
  copyfile: 'copying',
  unlink: 'removing',
  rmdir: 'removing',
  rm: 'removing',
  fsync: 'flushing to disk',
  fdatasync: 'flushing to disk',
  scandir: 'listing',
};

/** A StorageError for a system error this module knows, else undefined. `file`: the path being written or read, when the caller knows it. */
export function storageErrorOf(e: unknown, file?: string): StorageError | undefined {
  if (e instanceof StorageError) return e;
  if (!(e instanceof Error)) return undefined;
  const { code, syscall, path: errPath } = e as NodeJS.ErrnoException;
  const known = code === undefined ? undefined : KNOWN[code];
  if (!known || code === undefined) return undefined;
  const where = file ?? errPath;
  const verb = (syscall && VERBS[syscall]) ?? 'accessing';
  const message = `${known.what} (${code}) while ${verb}${where ? ` ${where}` : ''}`;
  return new StorageError(message, code, { hint: known.hint, ...(known.hintCode ? { hintCode: known.hintCode } : {}), cause: e, ...(where ? { path: where } : {}) });
}

/** `fn`, with a known system error turned into a StorageError naming `file`. */
export async function naming<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw storageErrorOf(e, file) ?? e;
  }
}
