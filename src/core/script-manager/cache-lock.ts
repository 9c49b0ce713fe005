import { LockedError } from '../shared/errors';
import { KeyedChain, withFileLock } from '../shared/file-lock';
import type { CacheLayout } from './cache-layout';

export interface CacheLockOptions {
  staleMs?: number;
  /** How long to wait for the index lock. */
  indexWaitMs?: number;
  /** How long to wait for another process's download of the same script. */
  keyWaitMs?: number;
}

/**
 * Cross-process locks of the script cache (the shared mechanism of `../shared/file-lock`: a
 * proper-lockfile lock folder taken over once stale — its holder crashed or was SIGKILLed —
 * behind an in-process keyed promise chain, so callers queue instead of spinning on the folder).
 *
 * Two kinds, always taken in this order, never the reverse:
 *  - a key lock ("locks/<sha>.lock"), held while one script is downloaded, so two processes that
 *    resolve the same script download it once: the second waits, then finds it cached;
 *  - the index lock ("index-v1.lock"), held briefly for puts, deletes, eviction and compaction.
 */
export class CacheLocks {
  private readonly chain = new KeyedChain();
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
    return this.chain.run(`index`, () => this.acquire(this.layout.indexFile, `${this.layout.root}/index-v1.lock`, this.indexWaitMs, 'the cache index', fn));
  }

  withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const file = this.layout.lockFileFor(key);
    return this.chain.run(`key:${key}`, () => this.acquire(file, `${file}.lock`, this.keyWaitMs, `"${key}"`, fn));
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

  private acquire<T>(file: string, lockfilePath: string, waitMs: number, what: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(
      {
        file,
        lockfilePath,
        dir: this.layout.locksDir,
        staleMs: this.staleMs,
        waitMs,
        maxBackoffMs: 250,
        busy: (cause) =>
          new LockedError(`The script cache is busy (${what} locked by another process for over ${Math.round(waitMs / 1000)} s)`, {
            hint: `retry; if no other escher process is running, the lock frees itself within ${Math.round(this.staleMs / 1000)} s`,
            cause,
          }),
      },
      // A compromised lock is recorded by withFileLock and deliberately ignored here: losing a
      // cache lock only risks a duplicate download, and every entry is verified anyway.
      () => fn(),
    );
  }
}
