import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { topKByDot } from './exact-search';
import { IndexFileError, readIndexFile, writeIndexFile } from './index-file';
import type { KeywordSidecar } from './index-file';
import type { PlaybookPayload, SearchFilter } from './payload';
import { StoredPayload } from './stored-payload';
import type { PayloadRow } from './stored-payload';
import { isEmptyFilter, matchesFilter } from './payload';
import type { CatalogEntry, CollectionIdentity, OpenResult, VectorHit, VectorPoint, VectorStore } from './vector-store';

/** The collection's file inside the search folder (format in index-file.ts). */
export const COLLECTION_FILE = 'user_playbooks.idx';

/**
 * The default home of the user_playbooks collection: in memory, persisted to one checksummed
 * file (`<dir>/user_playbooks.idx`, format in index-file.ts), searched exactly (exact-search.ts).
 *
 * Points live in "slots": row i of one contiguous Float32Array matrix, so a search hands a single
 * buffer to usearch. Deleting frees a slot (zeroed, reused by the next insert).
 * Writes are batched in memory and persisted by `flush()` (the service flushes after each
 * reconcile and shortly after change events). A corrupt or unreadable file is not fatal: `open`
 * reports `reset` with the reason and the caller rebuilds from the playbook files.
 *
 * Several processes (the extension host, CLI calls) may hold the collection at once. Each writes
 * the whole file atomically from its own view, so the file is always one process's complete,
 * consistent state; a view that missed another process's change is corrected by the next
 * reconcile, because content hashes, not the file, decide what is up to date.
 *
 * Known cost: every flush rewrites the whole file (~40 MB at 10k playbooks, a few hundred ms);
 * an append-only journal would make single-playbook updates cheap at large sizes.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly kind = 'embedded' as const;
  readonly file: string;
  private identity: CollectionIdentity | undefined;
  private matrix: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private slots: (StoredPayload | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private free: number[] = [];
  private dirty = false;
  /** False while the matrix is a view over the loaded file's bytes (copied before the first write). */
  private ownsMatrix = true;
  /** The keyword index saved with the points (index-file.ts), as read by the last open(). */
  loadedKeywordIndex: KeywordSidecar | undefined;
  /** Supplies the keyword index to save with the points on flush. */
  keywordIndexProvider: (() => KeywordSidecar | undefined) | undefined;

  /** `exact: 'scan'` uses the plain-JS scan instead of usearch (the benchmark's baseline). */
  constructor(
    dir: string,
    private readonly clock: Clock = systemClock,
    private readonly exact: 'usearch' | 'scan' = 'usearch',
  ) {
    this.file = path.join(dir, COLLECTION_FILE);
  }

  async open(identity: CollectionIdentity): Promise<OpenResult> {
    this.identity = identity;
    this.reset();
    this.loadedKeywordIndex = undefined;
    let contents;
    try {
      contents = await readIndexFile(this.file);
    } catch (e) {
      const why = e instanceof IndexFileError ? e.message : (e as Error).message;
      this.dirty = true;
      return { reset: true, reason: `index file ${this.file} is unreadable (${why}); rebuilding it from the playbook files` };
    }
    if (!contents) {
      this.dirty = true;
      return { reset: true, reason: 'no index yet' };
    }
    const h = contents.header;
    if (h.modelId !== identity.modelId || h.dimension !== identity.dimension) {
      this.dirty = true;
      return { reset: true, reason: `embedding model changed from ${h.modelId} (${h.dimension}d) to ${identity.modelId} (${identity.dimension}d); re-indexing` };
    }
    // The file's vectors are used in place; the first insert past them copies into a bigger matrix.
    this.matrix = contents.vectors;
    this.ownsMatrix = false;
    contents.payloads.forEach((p, i) => {
      this.slots[i] = p;
      this.slotOf.set(p.id, i);
    });
    this.loadedKeywordIndex = contents.keyword;
    return { reset: false };
  }

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    const dim = this.dim();
    if (points.length) this.ensureCapacity(this.slots.length);
    for (const p of points) {
      if (p.vector.length !== dim) throw new Error(`vector of ${p.vector.length} dimensions for a ${dim}-dimensional collection`);
      let slot = this.slotOf.get(p.id);
      if (slot === undefined) {
        slot = this.free.pop() ?? this.slots.length;
        if (slot === this.slots.length) {
          this.ensureCapacity(slot + 1);
          this.slots.push(undefined);
        }
        this.slotOf.set(p.id, slot);
      }
      this.slots[slot] = StoredPayload.of(p.payload);
      this.matrix.set(p.vector, slot * dim);
    }
    if (points.length) this.dirty = true;
  }

  async delete(ids: readonly string[]): Promise<void> {
    const dim = this.dim();
    if (ids.some((id) => this.slotOf.has(id))) this.ensureCapacity(this.slots.length);
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      this.slotOf.delete(id);
      this.slots[slot] = undefined;
      this.matrix.fill(0, slot * dim, (slot + 1) * dim);
      this.free.push(slot);
      this.dirty = true;
    }
  }

  async search(vector: Float32Array, options: { limit: number; filter?: SearchFilter }): Promise<VectorHit[]> {
    const dim = this.dim();
    const rows = this.slots.length;
    const filtered = !isEmptyFilter(options.filter);
    // Freed slots hold zero vectors that may rank anywhere; ask for enough rows to skip them.
    // A filtered search ranks every row and keeps the matching ones (still ~20 ms at 100k).
    const k = filtered ? rows : options.limit + this.free.length;
    const hits: VectorHit[] = [];
    for (const { row, score } of topKByDot(this.matrix, rows, dim, vector, k, this.exact === 'usearch')) {
      const stored = this.slots[row];
      if (!stored || !matchesFilter(stored.row, options.filter)) continue;
      hits.push({ id: stored.id, score, payload: stored.payload });
      if (hits.length >= options.limit) break;
    }
    return hits;
  }

  async catalog(): Promise<CatalogEntry[]> {
    const out: CatalogEntry[] = [];
    for (const s of this.slots) if (s) out.push({ id: s.id, version: s.row.version, area: s.row.area, content_hash: s.row.content_hash, embed_hash: s.row.embed_hash });
    return out;
  }

  /** Every payload (parses them all: for rebuilding the keyword index). */
  payloads(): PlaybookPayload[] {
    return this.slots.filter((p): p is StoredPayload => p !== undefined).map((s) => s.payload);
  }

  /** One payload, parsed on first use. */
  payloadOf(id: string): PlaybookPayload | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.slots[slot]?.payload;
  }

  /** The id, version, hashes and filter fields of a point (never parses its payload). */
  rowOf(id: string): PayloadRow | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.slots[slot]?.row;
  }

  /** Ids of all points. */
  ids(): string[] {
    return [...this.slotOf.keys()];
  }

  async get(ids: readonly string[]): Promise<VectorPoint[]> {
    const dim = this.dim();
    const out: VectorPoint[] = [];
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      out.push({ id, payload: this.slots[slot]!.payload, vector: this.matrix.slice(slot * dim, (slot + 1) * dim) });
    }
    return out;
  }

  async count(): Promise<number> {
    return this.slotOf.size;
  }

  async clear(): Promise<void> {
    this.reset();
    this.dirty = true;
  }

  /** Writes the file when something changed: live points only, compacted into consecutive slots. */
  async flush(): Promise<void> {
    if (!this.dirty || !this.identity) return;
    const dim = this.dim();
    const payloads: StoredPayload[] = [];
    const vectors = new Float32Array(this.slotOf.size * dim);
    for (let s = 0; s < this.slots.length; s++) {
      const p = this.slots[s];
      if (!p) continue;
      vectors.set(this.matrix.subarray(s * dim, (s + 1) * dim), payloads.length * dim);
      payloads.push(p);
    }
    this.dirty = false;
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeIndexFile(this.file, {
        modelId: this.identity.modelId,
        dimension: dim,
        payloads,
        vectors,
        keyword: this.keywordIndexProvider?.(),
        savedAt: new Date(this.clock.now()).toISOString(),
      });
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Makes the next flush write the file even though no point changed (e.g. to save a rebuilt keyword index). */
  markDirty(): void {
    this.dirty = true;
  }

  get location(): string {
    return this.file;
  }

  /** Bytes held by the vector matrix (for `index status` and the memory bench). */
  matrixBytes(): number {
    return this.matrix.byteLength;
  }

  private dim(): number {
    if (!this.identity) throw new Error('EmbeddedVectorStore used before open()');
    return this.identity.dimension;
  }

  private reset(): void {
    this.matrix = new Float32Array(0);
    this.ownsMatrix = true;
    this.slots = [];
    this.slotOf.clear();
    this.free = [];
  }

  private ensureCapacity(rows: number): void {
    const dim = this.dim();
    if (this.matrix.length >= rows * dim && this.ownsMatrix) return;
    const next = new Float32Array(Math.max(rows, Math.ceil((this.matrix.length / dim) * 1.5), 64) * dim);
    next.set(this.matrix);
    this.matrix = next;
    this.ownsMatrix = true;
  }
}
