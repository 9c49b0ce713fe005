/**
 * The one retry schedule of the code base: exponential backoff with jitter. Retry n (1-based:
 * 1 = the first retry) has a ceiling d = min(cap, base·2^(n-1)) and waits
 *  - `full` jitter: a uniform random time in [0, d) — requests retried within one call, where a
 *    short wait is fine and spreading clients is what matters (AWS Architecture Blog,
 *    "Exponential Backoff and Jitter");
 *  - `half` jitter (the default): a random time in [½·d, d] — retries of a whole operation
 *    (a queued publish, a failed sync, a held lock), where the floor keeps a failing server or
 *    a busy lock from being hammered while still spreading clients that failed together.
 * docs/sync.md lists every layer that uses it, with its attempts and worst-case time.
 */
export interface Backoff {
  baseMs: number;
  capMs: number;
  jitter?: 'full' | 'half';
}

export function backoffDelay(policy: Backoff, retry: number, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(policy, retry);
  if (policy.jitter === 'full') return Math.floor(random() * ceiling);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** The longest wait before retry `retry` (the worst case the jitter can draw). */
export function backoffCeiling(policy: Backoff, retry: number): number {
  const n = Math.max(1, Math.floor(retry));
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
}
