import type { VectorStore } from './vector-store';

const BATCH = 256;

/**
 * Makes `target` hold exactly the points of `source`, copying vectors (never re-embedding):
 * points missing or different in the target (content, area, version or embedded text) are
 * upserted, points the source does not have are deleted. Used to feed Qdrant from the embedded
 * collection. Returns how many points were written and deleted.
 */
export async function mirrorInto(source: Pick<VectorStore, 'catalog' | 'get'>, target: VectorStore): Promise<{ upserted: number; deleted: number }> {
  const want = await source.catalog();
  const have = new Map((await target.catalog()).map((c) => [c.id, c]));
  const stale: string[] = [];
  for (const w of want) {
    const h = have.get(w.id);
    have.delete(w.id);
    if (!h || h.content_hash !== w.content_hash || h.area !== w.area || h.version !== w.version || h.embed_hash !== w.embed_hash) stale.push(w.id);
  }
  for (let i = 0; i < stale.length; i += BATCH) await target.upsert(await source.get(stale.slice(i, i + BATCH)));
  const extra = [...have.keys()];
  if (extra.length) await target.delete(extra);
  return { upserted: stale.length, deleted: extra.length };
}
