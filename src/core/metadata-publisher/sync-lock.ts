import { LockedError } from '../shared/errors';
import { KeyedChain, withFileLock } from '../shared/file-lock';

/**
 * "Never two syncs at once": an in-process mutex (promise chain) plus a cross-process lock
 * (proper-lockfile on `$ESCHER_HOME/sync/sync.lock`, an mkdir lock refreshed while held and taken
 * over once stale) so the CLI and the extension never sync the same home together. A process
 * killed mid-sync leaves a lock that goes stale after `staleMs`. Both come from
 * `../shared/file-lock`.
 */
export class SyncLock {
  private readonly chain = new KeyedChain();

  constructor(
    private readonly dir: string,
    private readonly options: { staleMs?: number; waitMs?: number } = {},
  ) {}

  get lockPath(): string {
    return `${this.dir}/sync.lock`;
  }

  /** Runs `fn` holding both locks. Waits up to `waitMs` for another process, then throws LockedError. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const waitMs = this.options.waitMs ?? 30_000;
    return this.chain.run('sync', () =>
      withFileLock(
        {
          file: this.dir,
          lockfilePath: this.lockPath,
          dir: this.dir,
          staleMs: this.options.staleMs ?? 10_000,
          waitMs,
          // A waiting sync notices within 250 ms that the other one finished.
          maxBackoffMs: 250,
          busy: (cause) =>
            new LockedError('Another process is syncing this Escher home', {
              hint: 'wait for it to finish (VS Code or another sync from the command line may be running)',
              cause,
            }),
        },
        // A lock taken over by another process after we stalled: stop trusting it (withFileLock
        // records it instead of throwing from a timer), do not crash the host.
        () => fn(),
      ),
    );
  }
}
