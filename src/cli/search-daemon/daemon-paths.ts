import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { PlaybookConfig } from '../../core/shared/config';
import { CLI_VERSION } from '../version';

/**
 * Where a home's search daemon listens, and the checks that keep that place private. The socket
 * lives in <home>/run, a folder only its owner may enter (0700): on Linux and macOS connecting to
 * a Unix socket needs search permission on its folder, so no other user can reach the daemon
 * (Node offers no peer-credential check, so the folder is the guard). Anything unexpected there
 * — a symlink, another owner, looser permissions, a socket path too long for the system — and the
 * daemon is not used (searches run in-process); nothing is chmod-ed or deleted that we did not make.
 */
export const RUN_DIR = 'run';
const SOCKET = 'search.sock';
/** sun_path holds 104 bytes on macOS, 108 on Linux (including the terminating NUL). */
const MAX_SOCKET_PATH = 100;

export interface DaemonPaths {
  dir: string;
  socket: string;
}

/** The daemon's folder and socket for `home`, or undefined where no daemon is used (Windows, a path too long for a socket). */
export function daemonPaths(home: string): DaemonPaths | undefined {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return undefined;
  const dir = path.join(home, RUN_DIR);
  const socket = path.join(dir, SOCKET);
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH ? { dir, socket } : undefined;
}

const mine = (st: Stats) => st.uid === process.getuid!();

/** True when `dir` is a real folder (not a symlink) of this user that nobody else may enter. */
export function isPrivateDir(dir: string): boolean {
  const st = lstatSafe(dir);
  return st !== undefined && st.isDirectory() && mine(st) && (st.mode & 0o077) === 0;
}

/** Makes <home>/run (0700) when missing; true when it is private afterwards. */
export function ensurePrivateDir(dir: string): boolean {
  if (!lstatSafe(dir)) {
    try {
      mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
  }
  return isPrivateDir(dir);
}

/** True when `socket` is a socket of this user in a private folder (not a symlink, not a file planted there). */
export function isOwnSocket(paths: DaemonPaths): boolean {
  const st = lstatSafe(paths.socket);
  return st !== undefined && st.isSocket() && mine(st) && isPrivateDir(paths.dir);
}

function lstatSafe(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The CLI version and this build's stamp (size and time of the bundle that is running): a daemon
 * of another build — an upgrade, a rebuild — is stale, and must not answer with older code.
 */
export function buildId(entry: string): string {
  const st = statSync(entry.replace(/\.js$/, '.mjs'));
  return `${CLI_VERSION}|${st.size}|${st.mtimeMs}`;
}

/**
 * The built CLI (dist/cli.js beside this bundled code) that a daemon is started from; undefined
 * when running from the TypeScript sources, where no daemon is used.
 */
export function cliEntry(dir: string = __dirname): string | undefined {
  const js = path.join(dir, 'cli.js');
  return existsSync(js) && existsSync(path.join(dir, 'cli.mjs')) ? js : undefined;
}

/** A daemon answers only clients whose settings resolve exactly like its own (same home, model, folders, server). */
export function configId(config: PlaybookConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}
