import * as path from 'node:path';
import { LockedError } from '../shared/errors';
import { KeyedChain, withFileLock } from '../shared/file-lock';

export interface LockOptions {
  /** A lock not refreshed for this long is stale (proper-lockfile's minimum is 2000 ms). */
  staleMs?: number;
  /** How long to keep retrying a held lock before failing with LockedError. */
  waitMs?: number;
}

/**
 * Cross-process locking for the store (the shared mechanism of `../shared/file-lock`: a
 * proper-lockfile lock folder taken over once stale, behind an in-process keyed promise chain so
 * concurrent calls in the extension host queue up instead of spinning on the lock folder).
 *
 * Lock names: "store" (id allocation, moves between areas) and "id-<playbook-id>" (writes to one
 * playbook); the folders are "<locksDir>/<name>.lock". Order: "store" before "id-…", never the
 * reverse.
 */
export class StoreLocks {
  private readonly chain = new KeyedChain();
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
  with<T>(name: string, fn: (assertHeld: () => void) => Promise<T>): Promise<T> {
    return this.chain.run(name, () =>
      withFileLock(
        {
          file: path.join(this.locksDir, name),
          dir: this.locksDir,
          staleMs: this.staleMs,
          waitMs: this.waitMs,
          maxBackoffMs: 200,
          busy: (cause) =>
            new LockedError(`The playbook store is busy (lock "${name}" held by another process for over ${Math.round(this.waitMs / 1000)} s)`, {
              hint: `retry; if no other escher process is running, the lock frees itself within ${Math.round(this.staleMs / 1000)} s`,
              cause,
            }),
        },
        (lock) =>
          fn(() => {
            if (lock.compromised) throw new LockedError(`Lost the store lock "${name}" (${lock.compromised.message})`, { hint: 'retry the operation' });
          }),
      ),
    );
  }
}
