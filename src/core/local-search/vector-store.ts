import type { PlaybookPayload, SearchFilter } from './payload';

/**
 * One interface over the two homes of the user_playbooks collection: the embedded store
 * (default, no server) and Qdrant. Both are caches of the playbook files, which stay the source
 * of truth: either can be dropped and rebuilt at any time.
 *
 * A collection is bound to one embedding model: `open()` with a different model id or dimension
 * empties it (the caller then re-embeds everything), so vectors of two models never mix.
 */
export interface CollectionIdentity {
  modelId: string;
  dimension: number;
}

export interface VectorPoint {
  /** The playbook id (one point per playbook). */
  id: string;
  /** Unit length, `dimension` long. */
  vector: Float32Array;
  payload: PlaybookPayload;
}

export interface VectorHit {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
  payload: PlaybookPayload;
}

/** The part of each point reconcile needs, without vectors. */
export interface CatalogEntry {
  id: string;
  version: string;
  area: PlaybookPayload['area'];
  content_hash: string;
  embed_hash: string;
}

export interface OpenResult {
  /** True when the collection was created or emptied (model change, corruption, first run). */
  reset: boolean;
  /** Why, for the user ("embedding model changed from X to Y", "index file corrupt: ..."). */
  reason?: string;
}

export interface VectorStore {
  readonly kind: 'embedded' | 'qdrant';
  /** Where the collection lives, for messages: a file path or a URL (never with credentials). */
  readonly location: string;
  /**
   * True when the collection is kept on this machine (the embedded file, a Qdrant on loopback).
   * A remote mirror that is not (undefined counts as not) never receives local_only playbooks.
   */
  readonly onThisMachine?: boolean;
  open(identity: CollectionIdentity): Promise<OpenResult>;
  upsert(points: readonly VectorPoint[]): Promise<void>;
  delete(ids: readonly string[]): Promise<void>;
  /** Top `limit` by cosine similarity among points matching `filter`. */
  search(vector: Float32Array, options: { limit: number; filter?: SearchFilter }): Promise<VectorHit[]>;
  catalog(): Promise<CatalogEntry[]>;
  /** Points with their vectors (used to mirror one store into another without re-embedding). */
  get(ids: readonly string[]): Promise<VectorPoint[]>;
  count(): Promise<number>;
  /** Removes every point (the identity stays). */
  clear(): Promise<void>;
  /** Persists pending writes (the embedded store batches them). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
