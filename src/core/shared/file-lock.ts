import { promises as fs } from 'node:fs';
import type * as Lockfile from 'proper-lockfile';
import { setTimeout as delay } from 'node:timers/promises';
import { type Backoff, backoffDelay } from './backoff';
import type { LockedError } from './errors';

/**
 * The one cross-process lock mechanism of the core (store, script cache, metadata sync).
 *
 * proper-lockfile: an mkdir'ed "<name>.lock" folder whose mtime the holder refreshes; a holder
 * that stops refreshing for `staleMs` — a crashed or SIGKILLed process — is considered dead and
 * its lock is taken over. Inside one process a keyed promise chain (`KeyedChain`) serialises
 * callers first, so concurrent calls in the extension host queue up instead of spinning on the
 * lock folder.
 */
export interface FileLockSpec {
  /** The file the lock guards (proper-lockfile's `file`; with `realpath: false` it need not exist). */
  file: string;
  /** The lock folder; proper-lockfile's default is `${file}.lock`. */
  lockfilePath?: string;
  /** Created first, so the lock folder's parent exists. */
  dir: string;
  /** A lock not refreshed for this long is stale (proper-lockfile's minimum is 2000 ms; clamped). */
  staleMs: number;
  /** How long to keep retrying a held lock (the shared backoff, `./backoff`) before giving up; 0 = one try. */
  waitMs: number;
  /** Upper bound of one wait between tries (default 200 ms). */
  maxBackoffMs?: number;
  /** The error thrown when the lock is still held by another process after `waitMs`. */
  busy: (cause: unknown) => LockedError;
}

/** What the callback learns about its lock while it runs. */
export interface HeldLock {
  /**
   * Set once proper-lockfile reports the lock compromised (its folder removed or taken over after
   * we failed to refresh it). Recorded, never thrown: proper-lockfile's default throws from a
   * timer, an uncaught exception that would take the extension host down; each caller decides
   * whether losing the lock matters.
   */
  readonly compromised: Error | undefined;
}

/** Runs `fn` holding the cross-process lock described by `spec`, and releases it afterwards. */
export async function withFileLock<T>(spec: FileLockSpec, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  await fs.mkdir(spec.dir, { recursive: true });
  const held: { compromised: Error | undefined } = { compromised: undefined };
  // Loaded on the first write: readers (`list`, `show`) never pay for proper-lockfile,
  // graceful-fs and signal-exit (~50 kB to compile, and exit hooks installed).
  // Under the ESM CLI build a CommonJS package arrives as `default`.
  const mod: typeof Lockfile & { default?: typeof Lockfile } = await import('proper-lockfile');
  const options: Lockfile.LockOptions = {
    realpath: false,
    ...(spec.lockfilePath === undefined ? {} : { lockfilePath: spec.lockfilePath }),
    stale: Math.max(2000, spec.staleMs),
    // One try per call: the waiting between tries is ours (the shared schedule, bounded by waitMs).
    retries: 0,
    onCompromised: (err) => {
      held.compromised = err;
    },
  };
  const release = await acquire(() => (mod.default ?? mod).lock(spec.file, options), spec);
  try {
    return await fn(held);
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * Tries until the lock is free or `waitMs` has passed, waiting by the shared backoff in between:
 * from 5 ms (a lock held for a moment is taken almost at once) up to `maxBackoffMs` per wait
 * (how late a waiter may notice the lock was released).
 */
async function acquire(tryLock: () => Promise<() => Promise<void>>, spec: FileLockSpec): Promise<() => Promise<void>> {
  const deadline = Date.now() + spec.waitMs;
  const policy: Backoff = { baseMs: 5, capMs: spec.maxBackoffMs ?? 200 };
  for (let retry = 1; ; retry++) {
    try {
      return await tryLock();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      const left = deadline - Date.now();
      if (left <= 0) throw spec.busy(e);
      await delay(Math.min(left, backoffDelay(policy, retry)));
    }
  }
}

/**
 * In-process serialisation per key: each call runs after the previous call with the same key has
 * settled (whatever its outcome); a key's entry is dropped once its chain is idle.
 */
export class KeyedChain {
  private readonly chains = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(fn);
    const tail = result.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return result;
  }
}
