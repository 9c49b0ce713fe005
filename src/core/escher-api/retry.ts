import { backoffDelay } from '../shared/backoff';

/**
 * The client's retries of one call (idempotent calls only): full jitter from the shared schedule
 * (`../shared/backoff`), since these are seconds-long waits inside one request where spreading
 * clients matters more than a floor. A server's Retry-After (seconds) is honoured up to the cap.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 8000 };

/** The wait before retry `retry` (1 = the first retry) of a call. */
export function retryDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random, retryAfterSeconds?: number): number {
  const jittered = backoffDelay({ baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs, jitter: 'full' }, retry, random);
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) {
    return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterSeconds * 1000));
  }
  return jittered;
}

/** HTTP statuses worth another try for an idempotent call. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
