import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../shared/atomic-fs';
import { type Clock, systemClock } from '../shared/clock';
import { ValidationError } from '../shared/errors';
import { resolveInside } from '../shared/safe-path';
import { versionFolder } from './cache-layout';
import { removeSync, spawnReaper, sweepExpired } from './runtime-cleanup';

/** `$XDG_RUNTIME_DIR/escher` when the platform gives one (a per-user tmpfs), else `$ESCHER_HOME/run`. */
export function defaultRuntimeDir(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  return xdg && path.isAbsolute(xdg) ? path.join(xdg, 'escher') : path.join(home, 'run');
}

/** Default life of a decrypted copy: long enough for the command that runs it to open it. */
export const RUNTIME_TTL_MS = 10 * 60_000;

/** Every RuntimeFiles of this process, emptied by one 'exit' hook. */
const live = new Set<RuntimeFiles>();
let exitHooked = false;

/**
 * Plaintext copies of sensitive (encrypted-at-rest) scripts, for an execution engine that needs a
 * path. They live in a private runtime folder — `$XDG_RUNTIME_DIR/escher` (a per-user tmpfs,
 * emptied at logout) when set, else `$ESCHER_HOME/run` — with the folders 0700 and the files 0600,
 * never next to the ciphertext and never in the shared cache:
 *
 *   <runtime>/scripts/<id>-v<version>/<format>/<file>
 *
 * A copy lives at most `ttlMs` (default 10 minutes) and never outlives its process:
 *  - removed when the process that wrote it exits (an 'exit' hook) or disposes this object;
 *  - removed when its TTL ends, by a timer in a long-lived process (the extension host);
 *  - a command that hands the path to a later one (`escher-playbook resolve`, whose output is
 *    run by the shell after it exited) calls `handOff`: the copy survives the exit and a small
 *    detached process removes it when its TTL ends;
 *  - copies older than the TTL that a killed process left behind are swept by the next process
 *    that starts (`sweep`, called by the composition root and before the first write).
 */
export class RuntimeFiles {
  private readonly ttlMs: number;
  private readonly clock: Clock;
  /** Copies this process wrote and still owns: file -> expiry (clock ms). */
  private readonly own = new Map<string, number>();
  private timer: { cancel(): void } | undefined;
  private swept = false;

  constructor(
    readonly dir: string,
    options: { ttlMs?: number; clock?: Clock } = {},
  ) {
    this.ttlMs = options.ttlMs ?? RUNTIME_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  private get root(): string {
    return path.join(this.dir, 'scripts');
  }

  /** Writes `bytes` as a 0600 file; returns its absolute path. */
  async write(playbookId: string, version: string, scriptPath: string, bytes: Uint8Array): Promise<string> {
    const root = await this.privateRoot();
    if (!this.swept) this.sweep();
    const file = resolveInside(root, `${versionFolder(playbookId, version)}/${scriptPath}`, 'Runtime script path');
    let dir = path.dirname(file);
    const made: string[] = [];
    while (dir !== root && dir.startsWith(root + path.sep)) {
      made.unshift(dir);
      dir = path.dirname(dir);
    }
    for (const d of made) await fs.mkdir(d, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
    await writeFileAtomic(file, bytes, { mode: 0o600 });
    this.own.set(file, this.clock.now() + this.ttlMs);
    this.watch();
    return file;
  }

  formatDir(playbookId: string, version: string, format: string): string {
    return resolveInside(this.root, `${versionFolder(playbookId, version)}/${format}`, 'Runtime script folder');
  }

  /** Removes copies older than the TTL, whoever wrote them (at a process's start and before its first write). */
  sweep(): number {
    this.swept = true;
    return sweepExpired(this.root, this.ttlMs);
  }

  /**
   * `files` (copies this process wrote) outlive the process: a detached reaper removes them when
   * their TTL ends. For a command whose output path is used after it exits.
   */
  async handOff(files: readonly string[]): Promise<{ removeAt: Date }> {
    const mine = files.filter((f) => this.own.has(f));
    const atMs = Date.now() + this.ttlMs;
    const handed = [];
    for (const file of mine) {
      const st = await fs.lstat(file).catch(() => undefined);
      this.own.delete(file);
      if (st) handed.push({ file, ino: st.ino });
    }
    if (handed.length) spawnReaper(this.root, handed, atMs);
    return { removeAt: new Date(atMs) };
  }

  /** Removes every copy this process still owns (synchronous: it also runs from the 'exit' hook). */
  removeOwn(): void {
    for (const file of this.own.keys()) removeSync(this.root, file);
    this.own.clear();
  }

  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.removeOwn();
    live.delete(this);
  }

  /** Registers for the exit hook and (re)arms the timer for the earliest expiry. */
  private watch(): void {
    live.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', () => {
        for (const r of live) r.removeOwn();
      });
    }
    this.timer?.cancel();
    const next = Math.min(...this.own.values());
    if (!Number.isFinite(next)) return;
    this.timer = this.clock.setTimeout(() => this.expire(), Math.max(0, next - this.clock.now()));
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    for (const [file, at] of this.own) {
      if (at <= now) {
        removeSync(this.root, file);
        this.own.delete(file);
      }
    }
    if (this.own.size) this.watch();
    else live.delete(this);
  }

  private async privateRoot(): Promise<string> {
    const root = this.root;
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
