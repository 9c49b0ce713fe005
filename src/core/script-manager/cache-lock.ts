import { promises as fs } from 'node:fs';
import * as lockfile from 'proper-lockfile';
import { LockedError } from '../shared/errors';
import type { CacheLayout } from './cache-layout';

/**
 * Cross-process locks of the script cache (proper-lockfile: an mkdir'ed "<name>.lock" folder
 * whose mtime the holder refreshes; a holder that stops refreshing for `staleMs` — crashed or
 * SIGKILLed — is taken over). Inside one process a keyed promise chain queues callers first, so
 * they do not spin on the lock folder.
 *
 * Two kinds, always taken in this order, never the reverse:
 *  - a key lock ("locks/<sha>.lock"), held while one script is downloaded, so two processes that
 *    resolve the same script download it once: the second waits, then finds it cached;
 *  - the index lock ("index-v1.lock"), held briefly for puts, deletes, eviction and compaction.
 */
export interface CacheLockOptions {
  staleMs?: number;
  /** How long to wait for the index lock. */
  indexWaitMs?: number;
  /** How long to wait for another process's download of the same script. */
  keyWaitMs?: number;
}

export class CacheLocks {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly staleMs: number;
  private readonly indexWaitMs: number;
  private readonly keyWaitMs: number;

  constructor(
    private readonly layout: CacheLayout,
    options: CacheLockOptions = {},
  ) {
    this.staleMs = Math.max(2000, options.staleMs ?? 10_000);
    this.indexWaitMs = options.indexWaitMs ?? 30_000;
    this.keyWaitMs = options.keyWaitMs ?? 10 * 60_000;
  }

  withIndexLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.chain(`index`, () => this.acquire(this.layout.indexFile, `${this.layout.root}/index-v1.lock`, this.indexWaitMs, 'the cache index', fn));
  }

  withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const file = this.layout.lockFileFor(key);
    return this.chain(`key:${key}`, () => this.acquire(file, `${file}.lock`, this.keyWaitMs, `"${key}"`, fn));
  }

  /** Takes the index lock only if it is free right now; returns undefined when busy. */
  async tryIndexLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.acquire(this.layout.indexFile, `${this.layout.root}/index-v1.lock`, 0, 'the cache index', fn);
    } catch (e) {
      if (e instanceof LockedError) return undefined;
      throw e;
    }
  }

  private chain<T>(name: string, run: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(name) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(run);
    const tail = result.catch(() => undefined);
    this.chains.set(name, tail);
    void tail.then(() => {
      if (this.chains.get(name) === tail) this.chains.delete(name);
    });
    return result;
  }

  private async acquire<T>(file: string, lockfilePath: string, waitMs: number, what: string, fn: () => Promise<T>): Promise<T> {
    await fs.mkdir(this.layout.locksDir, { recursive: true });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(file, {
        realpath: false,
        lockfilePath,
        stale: this.staleMs,
        retries: retriesFor(waitMs),
        // The default throws from a timer (an uncaught exception); losing a cache lock only risks a
        // duplicate download, and every entry is verified anyway.
        onCompromised: () => undefined,
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new LockedError(`The script cache is busy (${what} locked by another process for over ${Math.round(waitMs / 1000)} s)`, {
          hint: `retry; if no other escher process is running, the lock frees itself within ${Math.round(this.staleMs / 1000)} s`,
          cause: e,
        });
      }
      throw e;
    }
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }
}

/** Exponential backoff from 5 ms to 250 ms with jitter, for about `waitMs` in total. */
function retriesFor(waitMs: number): lockfile.LockOptions['retries'] {
  if (waitMs <= 0) return 0;
  let total = 0;
  let n = 0;
  let t = 5;
  while (total < waitMs) {
    total += t;
    t = Math.min(250, t * 1.5);
    n++;
  }
  return { retries: n, factor: 1.5, minTimeout: 5, maxTimeout: 250, randomize: true };
}
