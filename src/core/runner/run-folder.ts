import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256 } from '../shared/hash';
import { isProcessAlive } from '../shared/process-alive';
import { resolveInside } from '../shared/safe-path';
import type { OutFile } from './render/render-types';
import type { RenderedFile } from './types';

/**
 * A run's private folder: a fresh mkdtemp folder (0700) outside the store, holding the rendered
 * scripts (0600, 0700 where executed directly) and the generated parameter files. Nothing in it
 * outlives the run: execute() removes it in a finally, also after a failure or Ctrl-C. Only a
 * killed process (SIGKILL, power loss) leaves one behind; `.owner` names its pid, and the next
 * run removes the folders whose owner is gone (they may hold rendered values).
 */
const PREFIX = 'escher-run-';
const OWNER = '.owner';

export async function makeRunFolder(tmpRoot: string = os.tmpdir()): Promise<string> {
  await sweepStaleRunFolders(tmpRoot);
  const dir = await fs.mkdtemp(path.join(tmpRoot, PREFIX));
  await fs.chmod(dir, 0o700);
  await fs.writeFile(path.join(dir, OWNER), `${process.pid}\n`, { mode: 0o600 });
  return dir;
}

/** Best effort: run folders of processes that no longer exist (ours only: others' are unreadable). */
export async function sweepStaleRunFolders(tmpRoot: string): Promise<void> {
  const names = await fs.readdir(tmpRoot).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(tmpRoot, name);
    const pid = Number((await fs.readFile(path.join(dir, OWNER), 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && !isProcessAlive(pid)) await removeRunFolder(dir).catch(() => undefined);
  }
}

export async function writeRunFiles(runDir: string, files: readonly OutFile[], display: ReadonlyMap<string, string | undefined>): Promise<RenderedFile[]> {
  const out: RenderedFile[] = [];
  for (const f of files) {
    const full = resolveInside(runDir, f.path, 'Run file');
    await fs.mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    await fs.writeFile(full, f.bytes, { mode: f.mode, flag: 'wx' });
    await fs.chmod(full, f.mode);
    out.push({ path: f.path, absolutePath: full, sha256: sha256(f.bytes), size: f.bytes.length, mode: f.mode, generated: f.generated, display: display.get(f.path) });
  }
  return out;
}

export async function removeRunFolder(runDir: string): Promise<void> {
  await fs.rm(runDir, { recursive: true, force: true, maxRetries: 3 });
}
