import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from '../core/shared/process-alive';

/**
 * One server per data dir: two would hand out the same seq and overwrite each other's records.
 * <data>/server.pid holds "<pid> <random token>". A file whose process is gone (a crash, SIGKILL)
 * is taken over; a live one makes the second server refuse to start. Released on close.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'server.pid');
  const token = randomBytes(8).toString('hex');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid} ${token}\n`, { flag: 'wx' });
      return async () => {
        const now = await fs.readFile(file, 'utf8').catch(() => '');
        if (now.includes(token)) await fs.rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const [pidText] = (await fs.readFile(file, 'utf8').catch(() => '')).trim().split(' ');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) {
      throw new Error(`data dir ${dataDir} is in use by another dev-server (pid ${pid}${pid === process.pid ? ', this process' : ''}); stop it, or remove ${file} if that process is not a dev-server`);
    }
    await fs.rm(file, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not lock data dir ${dataDir} (another server keeps starting on it)`);
}
