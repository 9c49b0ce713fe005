import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as Lockfile from 'proper-lockfile';
import { LockedError } from '../shared/errors';

/**
 * Cross-process locking for the store (proper-lockfile: an mkdir'ed "<name>.lock" folder whose
 * mtime the holder refreshes; a holder that stops refreshing for `staleMs` — a crashed or
 * SIGKILLed process — is considered dead and its lock is taken over). Inside one process a keyed
 * promise chain serialises callers first, so concurrent calls in the extension host queue up
 * instead of spinning on the lock folder.
 *
 * Lock names: "store" (id allocation, moves between areas) and "id-<playbook-id>" (writes to one
 * playbook). Order: "store" before "id-…", never the reverse.
 */
export interface LockOptions {
  /** A lock not refreshed for this long is stale (proper-lockfile's minimum is 2000 ms). */
  staleMs?: number;
  /** How long to keep retrying a held lock before failing with LockedError. */
  waitMs?: number;
}

export class StoreLocks {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly staleMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly locksDir: string,
    options: LockOptions = {},
  ) {
    this.staleMs = Math.max(2000, options.staleMs ?? 10_000);
    this.waitMs = options.waitMs ?? 30_000;
  }

  /** Runs `fn` holding the named lock; `fn` receives a check that throws if the lock was lost meanwhile. */
  async with<T>(name: string, fn: (assertHeld: () => void) => Promise<T>): Promise<T> {
    const previous = this.chains.get(name) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.acquireAndRun(name, fn));
    const tail = run.catch(() => undefined);
    this.chains.set(name, tail);
    void tail.then(() => {
      if (this.chains.get(name) === tail) this.chains.delete(name);
    });
    return run;
  }

  private async acquireAndRun<T>(name: string, fn: (assertHeld: () => void) => Promise<T>): Promise<T> {
    await fs.mkdir(this.locksDir, { recursive: true });
    const target = path.join(this.locksDir, name);
    let compromised: Error | undefined;
    let release: () => Promise<void>;
    try {
      // Loaded on the first write: readers (`list`, `show`) never pay for proper-lockfile,
      // graceful-fs and signal-exit (~50 kB to compile, and exit hooks installed).
      // Under the ESM CLI build a CommonJS package arrives as `default`.
      const mod: typeof Lockfile & { default?: typeof Lockfile } = await import('proper-lockfile');
      release = await (mod.default ?? mod).lock(target, {
        realpath: false,
        stale: this.staleMs,
        retries: retriesFor(this.waitMs),
        onCompromised: (err) => {
          compromised = err;
        },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new LockedError(`The playbook store is busy (lock "${name}" held by another process for over ${Math.round(this.waitMs / 1000)} s)`, {
          hint: `retry; if no other escher process is running, the lock frees itself within ${Math.round(this.staleMs / 1000)} s`,
          cause: e,
        });
      }
      throw e;
    }
    try {
      return await fn(() => {
        if (compromised) throw new LockedError(`Lost the store lock "${name}" (${compromised.message})`, { hint: 'retry the operation' });
      });
    } finally {
      await release().catch(() => undefined);
    }
  }
}

/** Exponential backoff from 5 ms to 200 ms with jitter, for about `waitMs` in total. */
function retriesFor(waitMs: number): Lockfile.LockOptions['retries'] {
  let total = 0;
  let n = 0;
  let t = 5;
  while (total < waitMs) {
    total += t;
    t = Math.min(200, t * 1.5);
    n++;
  }
  return { retries: n, factor: 1.5, minTimeout: 5, maxTimeout: 200, randomize: true };
}
