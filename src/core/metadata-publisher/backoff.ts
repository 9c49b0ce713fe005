/**
 * Exponential backoff with jitter for retries against the server: attempt n (1-based) waits a
 * random time in [½·d, d] where d = min(cap, base·2^(n-1)). Half-jitter keeps a floor (so a
 * failing server is not hammered) while spreading clients that failed at the same moment.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
