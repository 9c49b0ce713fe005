import * as path from 'node:path';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { topKByCosine } from './exact-search';
import { dot, quantized } from './quantize';
import { IndexFileError, readIndexFile } from './index-file';
import type { KeywordSidecar } from './index-file';
import { IndexFileSaver, removeStrayTempFiles } from './index-saver';
import type { PlaybookPayload, SearchFilter } from './payload';
import { StoredPayload } from './stored-payload';
import { PointSlots } from './point-slots';
import type { PayloadRow } from './stored-payload';
import { isEmptyFilter, matchesFilter } from './payload';
import type { CatalogEntry, CollectionIdentity, OpenResult, VectorHit, VectorPoint, VectorStore } from './vector-store';

/** The collection's file inside the search folder (format in index-file.ts). */
export const COLLECTION_FILE = 'user_playbooks.idx';

/**
 * The default home of the user_playbooks collection: in memory, persisted to one checksummed
 * file (`<dir>/user_playbooks.idx`, format in index-file.ts), searched exactly (exact-search.ts).
 *
 * Points live in "slots" (point-slots.ts): row i of one contiguous int8 matrix, so a search hands
 * a single buffer to usearch, and rescores its candidates from their float32 vectors. Deleting
 * frees a slot (zeroed, reused by the next insert). Writes are batched in memory and persisted by `flush()` (the service flushes after each
 * reconcile and shortly after change events). A corrupt or unreadable file is not fatal: `open`
 * reports `reset` with the reason and the caller rebuilds from the playbook files.
 *
 * Saves append: `flush()` writes the points changed and the ids removed since the last save as
 * a segment at the end of the file (index-segment.ts), and writes the file whole only to compact
 * it (index-saver.ts thresholds), after a clear, or when the file is not the one this process
 * last read or wrote. Payloads and float32 vectors stay in the file until a search needs them
 * (index-file-reader.ts); one found damaged then drops its point and `onDamaged` is told, so the
 * caller indexes that playbook again.
 *
 * Several processes (the extension host, CLI calls) may hold the collection at once. A process
 * appends only to the file it read or wrote, ending where it left it; otherwise it rewrites the
 * whole file atomically from its own view, so the file is always one process's consistent state
 * plus whole segments. A view that missed another process's change is corrected by the next
 * reconcile, because content hashes, not the file, decide what is up to date.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly kind = 'embedded' as const;
  readonly file: string;
  private identity: CollectionIdentity | undefined;
  private points = new PointSlots(0);
  /** The next save must write the whole file (cleared, damaged, older format, a rebuilt keyword index). */
  private rewrite = false;
  private readonly saver: IndexFileSaver;
  /** The keyword index saved with the points (index-file.ts), as read by the last open(). */
  loadedKeywordIndex: KeywordSidecar | undefined;
  /** Ids the file's appended segments wrote or removed after its keyword index was saved. */
  loadedChanges: string[] = [];
  /** What the last open() found worth a log line (an older format, a torn save), when the collection did not start empty. */
  loadNote: string | undefined;
  /** Supplies the keyword index to save with the points when the file is written whole. */
  keywordIndexProvider: (() => KeywordSidecar | undefined) | undefined;
  /** Told when a point's payload is found damaged on disk: the point is dropped, the caller indexes it again. */
  onDamaged: ((id: string, why: string) => void) | undefined;

  /** `exact: 'scan'` uses the plain-JS scan instead of usearch (the benchmark's baseline). */
  constructor(
    dir: string,
    private readonly clock: Clock = systemClock,
    private readonly exact: 'usearch' | 'scan' = 'usearch',
  ) {
    this.file = path.join(dir, COLLECTION_FILE);
    this.saver = new IndexFileSaver(this.file);
  }

  async open(identity: CollectionIdentity): Promise<OpenResult> {
    this.identity = identity;
    await this.reset();
    this.loadedKeywordIndex = undefined;
    this.loadedChanges = [];
    this.loadNote = undefined;
    await removeStrayTempFiles(this.file);
    let contents;
    try {
      contents = await readIndexFile(this.file, { lazy: true });
    } catch (e) {
      const why = e instanceof IndexFileError ? e.message : (e as Error).message;
      return { reset: true, reason: `index file ${this.file} is unreadable (${why}); rebuilding it from the playbook files` };
    }
    if (!contents) return { reset: true, reason: 'no index yet' };
    const h = contents.header;
    if (h.modelId !== identity.modelId || h.dimension !== identity.dimension) {
      await contents.reader?.close();
      return { reset: true, reason: `embedding model changed from ${h.modelId} (${h.dimension}d) to ${identity.modelId} (${identity.dimension}d); re-indexing` };
    }
    this.saver.loaded(contents);
    // The int8 rows' buffer has room for the segments' points; it is searched in place.
    const { vectors, reader } = contents;
    this.points.load(new Int8Array(contents.quantized.buffer), contents.payloads, { ...(vectors ? { vectors } : {}), ...(reader ? { reader } : {}) });
    this.loadedChanges = [...this.points.apply(contents.segments)];
    this.points.changed.clear();
    this.loadedKeywordIndex = contents.keyword;
    if (contents.format === 3) this.loadNote = `index file ${this.file} is in an older format; it is rewritten in the current one at the next save`;
    if (contents.torn) this.loadNote = `index file ${this.file}: the last save was cut short and is ignored (${contents.torn}); the playbooks it held are indexed again`;
    this.rewrite = contents.format === 3 || contents.torn !== undefined;
    return { reset: false };
  }

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    const dim = this.dim();
    for (const p of points) if (p.vector.length !== dim) throw new Error(`vector of ${p.vector.length} dimensions for a ${dim}-dimensional collection`);
    for (const p of points) this.points.put(StoredPayload.of(p.payload), p.vector);
  }

  async delete(ids: readonly string[]): Promise<void> {
    this.dim();
    for (const id of ids) this.points.drop(id);
  }

  async search(vector: Float32Array, options: { limit: number; filter?: SearchFilter }): Promise<VectorHit[]> {
    const dim = this.dim();
    const pts = this.points;
    const filtered = !isEmptyFilter(options.filter);
    // The int8 ranking picks twice the candidates asked for (plus slack for rank swaps its
    // rounding can cause); they are scored again from their float32 vectors. Freed slots hold
    // zero rows that may rank anywhere: ask for enough rows to skip them. A filtered search asks
    // for 4x more rows, and again twice as many until enough of them match (or all rows are in).
    const pool = 2 * options.limit + 16;
    const q8 = quantized(vector);
    let scored: { row: number; score: number }[];
    for (let k = pool * (filtered ? 4 : 1) + pts.free.length; ; k *= 2) {
      scored = [];
      for (const { row } of topKByCosine(pts.matrix, pts.rows, dim, q8, k, this.exact === 'usearch')) {
        const stored = pts.payloads[row];
        if (!stored || (filtered && !matchesFilter(stored.row, options.filter))) continue;
        const v = pts.vectorAt(row);
        if (v) scored.push({ row, score: dot(v, vector) });
        if (scored.length >= pool) break;
      }
      if (scored.length >= pool || k >= pts.rows) break;
    }
    scored.sort((a, b) => b.score - a.score);
    const hits: VectorHit[] = [];
    for (const { row, score } of scored) {
      const payload = pts.payloadAt(row);
      if (!payload) continue;
      hits.push({ id: payload.playbook_id, score, payload });
      if (hits.length >= options.limit) break;
    }
    return hits;
  }

  async catalog(): Promise<CatalogEntry[]> {
    const out: CatalogEntry[] = [];
    for (const s of this.points.payloads) if (s) out.push({ id: s.id, version: s.row.version, area: s.row.area, content_hash: s.row.content_hash, embed_hash: s.row.embed_hash });
    return out;
  }

  /** Every payload (reads and parses them all: for rebuilding the keyword index). */
  payloads(): PlaybookPayload[] {
    const out: PlaybookPayload[] = [];
    for (let s = 0; s < this.points.rows; s++) {
      const p = this.points.payloadAt(s);
      if (p) out.push(p);
    }
    return out;
  }

  /** One payload, read and parsed on first use. */
  payloadOf(id: string): PlaybookPayload | undefined {
    const slot = this.points.slotOf.get(id);
    return slot === undefined ? undefined : this.points.payloadAt(slot);
  }

  /** The id, version, hashes and filter fields of a point (never reads its payload). */
  rowOf(id: string): PayloadRow | undefined {
    const slot = this.points.slotOf.get(id);
    return slot === undefined ? undefined : this.points.payloads[slot]?.row;
  }

  /** Ids of all points. */
  ids(): string[] {
    return [...this.points.slotOf.keys()];
  }

  async get(ids: readonly string[]): Promise<VectorPoint[]> {
    this.dim();
    const out: VectorPoint[] = [];
    for (const id of ids) {
      const slot = this.points.slotOf.get(id);
      const payload = slot === undefined ? undefined : this.points.payloadAt(slot);
      const vector = slot === undefined || !payload ? undefined : this.points.vectorAt(slot);
      if (!payload || !vector) continue;
      out.push({ id, payload, vector: Float32Array.from(vector) });
    }
    return out;
  }

  async count(): Promise<number> {
    return this.points.slotOf.size;
  }

  async clear(): Promise<void> {
    await this.reset();
  }

  /**
   * Saves what changed: a segment appended to the file when it can be (index-saver.ts), else the
   * whole file, live points only, compacted into consecutive slots.
   */
  async flush(): Promise<void> {
    const pts = this.points;
    if ((!this.rewrite && !pts.changed.size) || !this.identity) return;
    const changed = pts.changed;
    pts.changed = new Set();
    try {
      if (!this.rewrite) {
        const seg = pts.segment(changed);
        const approx = seg.payloads.length * (1024 + pts.dim * 4) + seg.removed.length * 64;
        if (await this.saver.tryAppend(seg, approx)) return;
      }
      const { payloads, vectors, quantized, slots } = pts.compacted();
      const input = { modelId: this.identity.modelId, dimension: pts.dim, payloads, vectors, quantized, keyword: this.keywordIndexProvider?.(), savedAt: new Date(this.clock.now()).toISOString() };
      await this.saver.rewrite(input, (reader) => {
        payloads.forEach((p, i) => p.relocate(reader, i));
        pts.rewritten(reader, slots);
      });
      this.rewrite = false;
    } catch (e) {
      for (const id of changed) pts.changed.add(id);
      throw e;
    }
  }

  /** Saves, then lets go of the file (payloads not yet read can no longer be; open() again to use the store). */
  async close(): Promise<void> {
    await this.flush();
    await this.saver.forget();
  }

  /** Makes the next flush write the whole file even though no point changed (e.g. to save a rebuilt keyword index). */
  markDirty(): void {
    this.rewrite = true;
  }

  get location(): string {
    return this.file;
  }

  /** Bytes held by the int8 vector matrix (for `index status` and the memory bench). */
  matrixBytes(): number {
    return this.points.matrix.byteLength;
  }

  private dim(): number {
    if (!this.identity) throw new Error('EmbeddedVectorStore used before open()');
    return this.identity.dimension;
  }

  private async reset(): Promise<void> {
    this.points = new PointSlots(this.identity?.dimension ?? 0, (id, why) => this.onDamaged?.(id, why));
    this.rewrite = true;
    await this.saver.forget();
  }
}
