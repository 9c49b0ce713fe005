import type { Clock } from '../shared/clock';
import type { PlaybookSummary } from '../playbook-store/types';
import { embeddingText } from './document-text';
import type { Embedder } from './embedder';
import { EmbeddedVectorStore } from './embedded-store';
import { KEYWORD_INDEX_VERSION, KeywordIndex } from './keyword-index';
import type { PlaybookPayload } from './payload';
import type { PayloadRow } from './stored-payload';
import type { CollectionIdentity, VectorPoint } from './vector-store';

/** How the collection differs from the store's listing (content hash, version or area). */
export interface IndexDiff {
  /** In the store, not in the collection. */
  added: string[];
  /** In both, but the collection holds other content. */
  updated: string[];
  unchanged: number;
  /** In the collection, no longer in the store. */
  gone: string[];
}

/**
 * The user_playbooks collection as this process holds it: three views of the same points kept in
 * step — the vectors and payloads of the embedded store (persisted, searched by vector; payloads
 * parsed on first use) and the keyword index (saved inside the index
 * file so a new process need not re-tokenise). Every write goes through `upsert`, `remove` or
 * `clear`, which update all three; nothing else may touch them.
 *
 * Not safe for concurrent writers: the caller runs every write on one queue.
 */
export class CollectionIndex {
  readonly vectors: EmbeddedVectorStore;
  private keywordIndex = KeywordIndex.empty();

  constructor(
    dir: string,
    clock: Clock,
    private readonly embedder: Embedder,
  ) {
    this.vectors = new EmbeddedVectorStore(dir, clock);
  }

  get file(): string {
    return this.vectors.file;
  }

  get keywords(): KeywordIndex {
    return this.keywordIndex;
  }

  /** A point's full payload (parsed from the index file on first use). */
  readonly payloadOf = (id: string): PlaybookPayload | undefined => this.vectors.payloadOf(id);

  /** A point's id, version, hashes and filter fields, without parsing its payload. */
  readonly rowOf = (id: string): PayloadRow | undefined => this.vectors.rowOf(id);

  /** The model the vectors belong to; a collection built with another one is emptied on open. */
  async identity(): Promise<CollectionIdentity> {
    return { modelId: this.embedder.id, dimension: await this.embedder.dimension() };
  }

  /** What the last open() found worth a log line without starting empty (an older format, a torn save). */
  get loadNote(): string | undefined {
    return this.vectors.loadNote;
  }

  /** Loads the index file. Returns why the collection starts empty, when it does (first run, model change, corrupt file). */
  async open(): Promise<string | undefined> {
    const result = await this.vectors.open(await this.identity());
    this.keywordIndex = this.loadKeywordIndex();
    this.vectors.keywordIndexProvider = () => ({ version: KEYWORD_INDEX_VERSION, bytes: this.keywordIndex.toBuffer() });
    return result.reset ? result.reason : undefined;
  }

  /**
   * Writes payloads, embedding only those whose embedded text changed (a move or a metadata edit
   * outside the text keeps its vector). Returns the points written, for a mirror, and how many
   * texts went to the model.
   */
  async upsert(payloads: readonly PlaybookPayload[]): Promise<{ points: VectorPoint[]; embedded: number }> {
    if (!payloads.length) return { points: [], embedded: 0 };
    const existing = new Map((await this.vectors.get(payloads.map((p) => p.playbook_id))).map((pt) => [pt.id, pt]));
    const points: VectorPoint[] = [];
    const toEmbed: PlaybookPayload[] = [];
    for (const p of payloads) {
      const old = existing.get(p.playbook_id);
      if (old && old.payload.embed_hash === p.embed_hash) points.push({ id: p.playbook_id, vector: old.vector, payload: p });
      else toEmbed.push(p);
    }
    const vectors = await this.embedder.embed(toEmbed.map(embeddingText));
    toEmbed.forEach((p, i) => points.push({ id: p.playbook_id, vector: vectors[i]!, payload: p }));
    await this.vectors.upsert(points);
    for (const p of payloads) this.keywordIndex.set(p);
    return { points, embedded: toEmbed.length };
  }

  /** Removing an id that is not indexed is not an error. */
  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.vectors.delete(ids);
    for (const id of ids) this.keywordIndex.remove(id);
  }

  async clear(): Promise<void> {
    await this.vectors.clear();
    this.keywordIndex.clear();
  }

  /** Writes the index file when something changed. */
  flush(): Promise<void> {
    return this.vectors.flush();
  }

  /** Writes what changed and lets go of the index file (open() again to use the collection). */
  close(): Promise<void> {
    return this.vectors.close();
  }

  count(): Promise<number> {
    return this.vectors.count();
  }

  /** Compares the collection with the store's listing: what a reconcile must do, and how stale `status` reports it. */
  async diff(summaries: readonly PlaybookSummary[]): Promise<IndexDiff> {
    const catalog = new Map((await this.vectors.catalog()).map((c) => [c.id, c]));
    const out: IndexDiff = { added: [], updated: [], unchanged: 0, gone: [] };
    for (const s of summaries) {
      const c = catalog.get(s.playbook_id);
      catalog.delete(s.playbook_id);
      if (!c) out.added.push(s.playbook_id);
      else if (c.content_hash !== s.content_hash || c.version !== s.version || c.area !== s.area) out.updated.push(s.playbook_id);
      else out.unchanged++;
    }
    out.gone = [...catalog.keys()];
    return out;
  }

  /**
   * The saved keyword index when it was written by this code version, brought up to date with the
   * points the file's appended segments changed (those are re-tokenised); else rebuilt.
   */
  private loadKeywordIndex(): KeywordIndex {
    const saved = this.vectors.loadedKeywordIndex;
    if (saved && saved.version === KEYWORD_INDEX_VERSION) {
      try {
        const idx = KeywordIndex.fromBuffer(saved.bytes);
        for (const id of this.vectors.loadedChanges) {
          const p = this.vectors.payloadOf(id);
          if (p) idx.set(p);
          else idx.remove(id);
        }
        const ids = this.vectors.ids();
        if (idx.size === ids.length && ids.every((id) => idx.has(id))) return idx;
      } catch {
        // Fall through to a rebuild: the saved index is a cache.
      }
    }
    const idx = KeywordIndex.empty();
    const payloads = this.vectors.payloads();
    for (const p of payloads) idx.set(p);
    // Save the rebuilt index with the next flush, so the next process can load it.
    if (payloads.length) this.vectors.markDirty();
    return idx;
  }
}
