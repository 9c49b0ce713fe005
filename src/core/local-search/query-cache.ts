import { LRUCache } from 'lru-cache';
import type { Embedder } from './embedder';

/**
 * Remembers the vectors of recent query texts. The extension searches as the user types (and
 * backspaces), so the same few strings come back within seconds; USE-lite costs 10-30 ms per
 * query, a hit costs nothing. Keyed by text only: one cache per Embedder, so per model.
 */
export function cachingQueryEmbedder(inner: Embedder, max = 256): Embedder {
  const cache = new LRUCache<string, Float32Array>({ max });
  return {
    get id() {
      return inner.id;
    },
    dimension: () => inner.dimension(),
    preload: () => inner.preload(),
    dispose: () => inner.dispose(),
    async embed(texts) {
      // Hits are taken before the misses are added: adding may evict them from a small cache.
      const found = new Map<string, Float32Array>();
      for (const t of texts) {
        const v = cache.get(t);
        if (v) found.set(t, v);
      }
      const missing = [...new Set(texts.filter((t) => !found.has(t)))];
      if (missing.length) {
        (await inner.embed(missing)).forEach((v, i) => {
          found.set(missing[i]!, v);
          cache.set(missing[i]!, v);
        });
      }
      return texts.map((t) => found.get(t)!);
    },
  };
}
