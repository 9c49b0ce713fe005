import type { Clock } from '../shared/clock';
import { describeError, isEscherError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { silentLogger } from '../shared/logger';
import { type Backoff, backoffDelay } from '../shared/backoff';

/** What BackgroundSync needs: the clock, the interval, the sync itself and where store changes come from. */
export interface BackgroundSyncOptions<R> {
  clock: Clock;
  intervalMinutes: number;
  debounceMs?: number;
  run: () => Promise<R>;
  /** Subscribes to store changes; the returned handle is disposed on stop(). */
  subscribe?: (onChange: () => void) => { dispose(): void };
  /** When the outbox wants an earlier retry than the interval (epoch ms), from the last result. */
  nextRetryAt?: (result: R) => number | undefined;
  onEvent?: (event: BackgroundSyncEvent<R>) => void;
  logger?: Logger;
  backoff?: Backoff;
  random?: () => number;
}

export type BackgroundSyncEvent<R> =
  | { type: 'synced'; result: R }
  | { type: 'failed'; error: unknown; retryInMs: number }
  | { type: 'stopped'; reason: 'requested' | 'auth'; error?: unknown };

export const DEFAULT_DEBOUNCE_MS = 2_000;
const FAILURE_BACKOFF: Backoff = { baseMs: 5_000, capMs: 5 * 60_000, jitter: 'half' };

/**
 * The background sync scheduler (the seed's "every 5 minutes, and immediately on
 * create/update/delete"). One timer at a time; all time comes from the injected Clock.
 *
 *  - every `intervalMinutes` (default 5) a sync runs;
 *  - a store change re-arms a short debounce (default 2 s), so a burst of edits costs one sync;
 *  - a change arriving during a sync marks it dirty: one more sync follows, never two at once;
 *  - a failing sync is retried with exponential backoff + jitter (never later than the interval);
 *  - an AUTH error (401) or a CONFIG error (no token) stops the loop: retrying a bad token only
 *    hammers the server;
 *  - a LOCKED error (another process syncing) just waits for the next turn;
 *  - stop() cancels the timer, unsubscribes and waits for a sync in flight.
 */
export class BackgroundSync<R> {
  private timer: { cancel(): void } | undefined;
  private timerDueAt = Infinity;
  private subscription: { dispose(): void } | undefined;
  private inFlight: Promise<void> | undefined;
  private dirty = false;
  private failures = 0;
  private state: 'idle' | 'running' | 'stopped' = 'stopped';
  /** Set when the loop stopped itself (401): what to tell the user. */
  stoppedBecause: unknown;

  constructor(private readonly opts: BackgroundSyncOptions<R>) {}

  get running(): boolean {
    return this.state !== 'stopped';
  }

  private get intervalMs(): number {
    return Math.max(1, this.opts.intervalMinutes) * 60_000;
  }

  private get debounceMs(): number {
    return this.opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  }

  private get logger(): Logger {
    return this.opts.logger ?? silentLogger;
  }

  /** Starts the loop: a first sync after the debounce, then every interval. */
  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'idle';
    this.stoppedBecause = undefined;
    this.subscription = this.opts.subscribe?.(() => this.poke());
    this.arm(this.debounceMs, true);
  }

  /** A local change happened: sync soon (debounced). */
  poke(): void {
    if (this.state === 'stopped') return;
    if (this.state === 'running') {
      this.dirty = true;
      return;
    }
    this.arm(this.debounceMs, true);
  }

  async stop(): Promise<void> {
    this.halt('requested');
    await this.inFlight;
  }

  private halt(reason: 'requested' | 'auth', error?: unknown): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.timer?.cancel();
    this.timer = undefined;
    this.timerDueAt = Infinity;
    this.subscription?.dispose();
    this.subscription = undefined;
    if (reason === 'auth') this.stoppedBecause = error;
    this.opts.onEvent?.({ type: 'stopped', reason, error });
  }

  /** (Re)arms the single timer. `reset` = debounce semantics: replace whatever is pending. */
  private arm(ms: number, reset: boolean): void {
    const due = this.opts.clock.now() + ms;
    if (!reset && this.timer && this.timerDueAt <= due) return;
    this.timer?.cancel();
    this.timerDueAt = due;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      this.inFlight = this.fire();
    }, ms);
  }

  private async fire(): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.dirty = false;
    let next = this.intervalMs;
    try {
      const result = await this.opts.run();
      this.failures = 0;
      const retryAt = this.opts.nextRetryAt?.(result);
      if (retryAt !== undefined) next = Math.min(next, Math.max(this.debounceMs, retryAt - this.opts.clock.now()));
      this.opts.onEvent?.({ type: 'synced', result });
    } catch (e) {
      if (isEscherError(e) && (e.code === 'AUTH' || e.code === 'CONFIG')) {
        this.logger.error(`Background sync stopped: ${describeError(e)}`);
        this.state = 'idle';
        this.halt('auth', e);
        return;
      }
      if (isEscherError(e) && e.code === 'LOCKED') {
        next = Math.min(next, Math.max(this.debounceMs, 10_000));
      } else {
        this.failures += 1;
        next = Math.min(next, backoffDelay(this.opts.backoff ?? FAILURE_BACKOFF, this.failures, this.opts.random));
        this.logger.warn(`Background sync failed (retry in ${Math.round(next / 1000)} s): ${describeError(e)}`);
      }
      this.opts.onEvent?.({ type: 'failed', error: e, retryInMs: next });
    }
    if (this.state !== 'running') return;
    this.state = 'idle';
    if (this.dirty) this.arm(this.debounceMs, true);
    else this.arm(next, true);
  }
}
