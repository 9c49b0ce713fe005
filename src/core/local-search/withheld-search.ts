import type { PlaybookPayload, SearchFilter } from './payload';
import type { CatalogEntry, CollectionIdentity, OpenResult, VectorHit, VectorPoint, VectorStore } from './vector-store';

/** What a mirror on another machine never receives: local_only playbooks (their metadata, scripts and vectors). */
export function isWithheld(p: PlaybookPayload): boolean {
  return p.metadata.storage_strategy === 'local_only';
}

/**
 * The remote mirror as searches see it when some playbooks were kept out of it: each vector
 * search asks the remote for what it holds and the embedded store for the withheld ones, and
 * merges by score (the same cosine over the same vectors). Exact: a withheld playbook in the
 * overall top `limit` is in the embedded store's top `limit`, and any other one is in the
 * remote's. Everything but `search` is the remote's.
 */
export class WithheldSearch implements VectorStore {
  readonly kind;
  readonly location;

  constructor(
    private readonly remote: VectorStore,
    private readonly local: VectorStore,
    private readonly withheld: ReadonlySet<string>,
  ) {
    this.kind = remote.kind;
    this.location = remote.location;
  }

  async search(vector: Float32Array, options: { limit: number; filter?: SearchFilter }): Promise<VectorHit[]> {
    const [there, here] = await Promise.all([this.remote.search(vector, options), this.local.search(vector, options)]);
    const merged = [...there.filter((h) => !this.withheld.has(h.id)), ...here.filter((h) => this.withheld.has(h.id))];
    return merged.sort((a, b) => b.score - a.score).slice(0, options.limit);
  }

  open(identity: CollectionIdentity): Promise<OpenResult> {
    return this.remote.open(identity);
  }
  upsert(points: readonly VectorPoint[]): Promise<void> {
    return this.remote.upsert(points);
  }
  delete(ids: readonly string[]): Promise<void> {
    return this.remote.delete(ids);
  }
  catalog(): Promise<CatalogEntry[]> {
    return this.remote.catalog();
  }
  get(ids: readonly string[]): Promise<VectorPoint[]> {
    return this.remote.get(ids);
  }
  count(): Promise<number> {
    return this.remote.count();
  }
  clear(): Promise<void> {
    return this.remote.clear();
  }
  flush(): Promise<void> {
    return this.remote.flush();
  }
  close(): Promise<void> {
    return this.remote.close();
  }
}
