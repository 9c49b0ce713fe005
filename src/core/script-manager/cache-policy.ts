import type { IndexEntry } from './cache-index';

/**
 * The bounds of the script cache as pure decisions over index entries: what is expired, and what
 * goes when the cache is over its size. Every process replays the same journal under the index
 * lock and applies these to it, so all of them evict the same entries in the same order.
 */
export interface CachePolicy {
  /** Time to live since insertion (not since last access: versions are immutable, but a server may revoke them). */
  ttlMs: number;
  maxBytes: number;
}

export const DAY_MS = 24 * 60 * 60_000;

export function isExpired(entry: IndexEntry, policy: CachePolicy, now: number): boolean {
  return now - entry.inserted_at >= policy.ttlMs;
}

/**
 * The entries to evict: every expired one, then the least recently used until the rest fit in
 * `maxBytes` (ties keep journal order, i.e. insertion order). `protect` (the entry just inserted)
 * is never chosen, even if the cache then stays over its limit.
 */
export function chooseVictims(entries: Iterable<IndexEntry>, policy: CachePolicy, now: number, protect?: string): IndexEntry[] {
  const victims: IndexEntry[] = [];
  const live: IndexEntry[] = [];
  for (const e of entries) {
    if (e.key !== protect && isExpired(e, policy, now)) victims.push(e);
    else live.push(e);
  }
  let total = live.reduce((n, e) => n + e.size, 0);
  // Stable sort: equal access times keep journal (insertion) order.
  for (const e of [...live].sort((a, b) => a.last_access - b.last_access)) {
    if (total <= policy.maxBytes) break;
    if (e.key === protect) continue;
    victims.push(e);
    total -= e.size;
  }
  return victims;
}

export interface CacheStats {
  dir: string;
  entries: number;
  totalBytes: number;
  maxBytes: number;
  ttlDays: number;
  expired: number;
  oldestAccess: number | null;
  newestAccess: number | null;
  indexBytes: number;
}

export function cacheStats(entries: readonly IndexEntry[], policy: CachePolicy, now: number, where: { dir: string; indexBytes: number }): CacheStats {
  const accesses = entries.map((e) => e.last_access);
  return {
    dir: where.dir,
    entries: entries.length,
    totalBytes: entries.reduce((n, e) => n + e.size, 0),
    maxBytes: policy.maxBytes,
    ttlDays: policy.ttlMs / DAY_MS,
    expired: entries.filter((e) => isExpired(e, policy, now)).length,
    oldestAccess: accesses.length ? Math.min(...accesses) : null,
    newestAccess: accesses.length ? Math.max(...accesses) : null,
    indexBytes: where.indexBytes,
  };
}
