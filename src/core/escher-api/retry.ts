/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * attempt n waits a uniform random time in [0, min(cap, base * 2^n)], so many clients retrying
 * after the same outage spread out instead of hammering the server in lock-step. A server's
 * Retry-After (seconds) is honoured up to the cap.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 8000 };

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random, retryAfterSeconds?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) {
    return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterSeconds * 1000));
  }
  return jittered;
}

/** HTTP statuses worth another try for an idempotent call. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
