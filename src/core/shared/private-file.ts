import { promises as fs } from 'node:fs';
import { ConfigError } from './errors';

/**
 * Reads a file that holds secrets, refusing one that group or others could read or that belongs
 * to another user (not silently used, not silently fixed: its secrets may already have leaked and
 * the user should know). Undefined when the file does not exist. The checks run on the opened
 * handle, so the file checked is the file read. (Windows has no such mode bits: not checked.)
 */
export async function readPrivateFile(file: string, holds: string): Promise<string | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const st = await handle.stat();
    if (process.platform !== 'win32') {
      if ((st.mode & 0o077) !== 0) {
        throw new ConfigError(`Refusing to read ${file}: its permissions are ${(st.mode & 0o777).toString(8).padStart(4, '0')}, so other users can read ${holds}`, {
          hint: `run \`chmod 600 ${file}\` (and replace ${holds} if others could have read them)`,
        });
      }
      if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
        throw new ConfigError(`Refusing to read ${file}: it belongs to another user (uid ${st.uid})`, { hint: `run \`chown $(id -u) ${file}\`` });
      }
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
