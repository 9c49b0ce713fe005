import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../shared/atomic-fs';
import { ValidationError } from '../shared/errors';
import { resolveInside } from '../shared/safe-path';
import { versionFolder } from './cache-layout';

/** `$XDG_RUNTIME_DIR/escher` when the platform gives one (a per-user tmpfs), else `$ESCHER_HOME/run`. */
export function defaultRuntimeDir(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  return xdg && path.isAbsolute(xdg) ? path.join(xdg, 'escher') : path.join(home, 'run');
}

/**
 * Plaintext copies of sensitive (encrypted-at-rest) scripts, for an execution engine that needs a
 * path. They live in a private runtime folder — `$XDG_RUNTIME_DIR/escher` (a per-user tmpfs,
 * emptied at logout) when set, else `$ESCHER_HOME/run` — with the folders 0700 and the files 0600,
 * never next to the ciphertext and never in the shared cache:
 *
 *   <runtime>/scripts/<id>-v<version>/<format>/<file>
 */
export class RuntimeFiles {
  constructor(readonly dir: string) {}

  /** Writes `bytes` as a 0600 file; returns its absolute path. */
  async write(playbookId: string, version: string, scriptPath: string, bytes: Uint8Array): Promise<string> {
    const root = await this.privateRoot();
    const file = resolveInside(root, `${versionFolder(playbookId, version)}/${scriptPath}`, 'Runtime script path');
    let dir = path.dirname(file);
    const made: string[] = [];
    while (dir !== root && dir.startsWith(root + path.sep)) {
      made.unshift(dir);
      dir = path.dirname(dir);
    }
    for (const d of made) await fs.mkdir(d, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
    await writeFileAtomic(file, bytes, { mode: 0o600 });
    return file;
  }

  formatDir(playbookId: string, version: string, format: string): string {
    return resolveInside(path.join(this.dir, 'scripts'), `${versionFolder(playbookId, version)}/${format}`, 'Runtime script folder');
  }

  private async privateRoot(): Promise<string> {
    const root = path.join(this.dir, 'scripts');
    await fs.mkdir(root, { recursive: true, mode: 0o700 });
    for (const d of [this.dir, root]) {
      const st = await fs.lstat(d);
      if (!st.isDirectory()) throw new ValidationError(`Runtime folder ${d} is not a directory (a symlink?)`, [], { hint: 'remove it; it is recreated on demand' });
      // mkdir's mode is filtered by the umask and ignored for existing folders: enforce it.
      if ((st.mode & 0o077) !== 0) await fs.chmod(d, 0o700);
    }
    return root;
  }
}
