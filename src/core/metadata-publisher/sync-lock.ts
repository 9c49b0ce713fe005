import { promises as fs } from 'node:fs';
import * as lockfile from 'proper-lockfile';
import { LockedError } from '../shared/errors';

/**
 * "Never two syncs at once": an in-process mutex (promise chain) plus a cross-process lock
 * (proper-lockfile on `cache/metadata/sync.lock`, an mkdir lock refreshed while held and taken
 * over once stale) so the CLI and the extension never sync the same home together. A process
 * killed mid-sync leaves a lock that goes stale after `staleMs`.
 */
export class SyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly options: { staleMs?: number; waitMs?: number } = {},
  ) {}

  get lockPath(): string {
    return `${this.dir}/sync.lock`;
  }

  /** Runs `fn` holding both locks. Waits up to `waitMs` for another process, then throws LockedError. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.tail = prev.then(() => mine);
    await prev.catch(() => undefined);
    try {
      const unlock = await this.acquire();
      try {
        return await fn();
      } finally {
        await unlock().catch(() => undefined);
      }
    } finally {
      release();
    }
  }

  private async acquire(): Promise<() => Promise<void>> {
    await fs.mkdir(this.dir, { recursive: true });
    const stale = Math.max(2_000, this.options.staleMs ?? 10_000);
    const waitMs = this.options.waitMs ?? 30_000;
    const retries = Math.max(0, Math.ceil(waitMs / 250));
    try {
      return await lockfile.lock(this.dir, {
        lockfilePath: this.lockPath,
        stale,
        realpath: false,
        retries: { retries, factor: 1, minTimeout: 250, maxTimeout: 250 },
        // A lock taken over by another process after we stalled: stop trusting it, do not crash the host.
        onCompromised: () => undefined,
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new LockedError('Another process is syncing this Escher home', {
          hint: 'wait for it to finish (the VS Code extension or another `escher-playbook sync` may be running)',
          cause: e,
        });
      }
      throw e;
    }
  }
}
