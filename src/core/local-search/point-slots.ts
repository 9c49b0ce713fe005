import { IndexFileError } from './index-format';
import type { IndexFileReader } from './index-file-reader';
import type { IndexSegment } from './index-segment';
import type { PlaybookPayload } from './payload';
import { matchesQuantized, quantizeInto } from './quantize';
import { StoredPayload } from './stored-payload';

/**
 * The embedded store's points in "slots": row i of one contiguous int8 matrix (quantize.ts; a
 * search hands this single buffer to usearch) and the payload of row i. The float32 vector of a
 * slot is in memory when it was written since the file was (`exact`), else read from the file
 * when asked for (`fileRow`: its row there). Removing frees a slot (zeroed, reused by the next
 * insert). Remembers which ids changed since the last save.
 */
export class PointSlots {
  matrix: Int8Array = new Int8Array(0);
  payloads: (StoredPayload | undefined)[] = [];
  readonly slotOf = new Map<string, number>();
  free: number[] = [];
  /** Ids written or removed since the last save (the next segment). */
  changed = new Set<string>();
  private exact: (Float32Array | undefined)[] = [];
  private fileRow = new Int32Array(0);
  private reader: IndexFileReader | undefined;

  constructor(
    readonly dim: number,
    /** Told when a payload or vector is found damaged on disk and its point dropped. */
    private readonly onDamaged: (id: string, why: string) => void = () => {},
  ) {}

  get rows(): number {
    return this.payloads.length;
  }

  /**
   * Starts from a loaded base part: `matrix` (may be bigger than the points: room for more) holds
   * its int8 rows; its float32 vectors are `vectors` when read, else `reader` reads them.
   */
  load(matrix: Int8Array, payloads: readonly StoredPayload[], source: { vectors?: Float32Array; reader?: IndexFileReader }): void {
    this.matrix = matrix;
    this.reader = source.reader;
    this.payloads = payloads.slice();
    this.fileRow = new Int32Array(matrix.length / this.dim).fill(-1);
    const n = payloads.length;
    for (let i = 0; i < n; i++) this.slotOf.set(payloads[i]!.id, i);
    const vectors = source.vectors;
    if (vectors) this.exact = Array.from({ length: n }, (_, i) => vectors.subarray(i * this.dim, (i + 1) * this.dim));
    else for (let i = 0; i < n; i++) this.fileRow[i] = i;
  }

  /** Applies loaded segments in order; returns the ids they wrote or removed. */
  apply(segments: readonly IndexSegment[]): Set<string> {
    const touched = new Set<string>();
    for (const seg of segments) {
      for (const id of seg.removed) if (this.drop(id)) touched.add(id);
      seg.payloads.forEach((p, i) => {
        this.put(p, seg.vectors.subarray(i * this.dim, (i + 1) * this.dim));
        touched.add(p.id);
      });
    }
    return touched;
  }

  put(p: StoredPayload, vector: Float32Array): void {
    let slot = this.slotOf.get(p.id);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.payloads.length;
      if (slot === this.payloads.length) {
        this.ensureCapacity(slot + 1);
        this.payloads.push(undefined);
      }
      this.slotOf.set(p.id, slot);
    }
    this.payloads[slot] = p;
    quantizeInto(vector, this.matrix, slot * this.dim);
    this.exact[slot] = Float32Array.from(vector);
    this.fileRow[slot] = -1;
    this.changed.add(p.id);
  }

  drop(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.payloads[slot] = undefined;
    this.exact[slot] = undefined;
    this.fileRow[slot] = -1;
    this.matrix.fill(0, slot * this.dim, (slot + 1) * this.dim);
    this.free.push(slot);
    this.changed.add(id);
    return true;
  }

  /** The payload in `slot`; one found damaged on disk drops its point (the next reconcile indexes it again) and reads as absent. */
  payloadAt(slot: number): PlaybookPayload | undefined {
    const stored = this.payloads[slot];
    if (!stored) return undefined;
    return this.guard(stored.id, () => stored.payload);
  }

  /** The float32 vector in `slot` (read from the file and checked against its int8 row when not in memory); undefined when damaged (the point is dropped). */
  vectorAt(slot: number): Float32Array | undefined {
    const id = this.payloads[slot]?.id;
    if (id === undefined) return undefined;
    const held = this.exact[slot];
    if (held) return held;
    return this.guard(id, () => {
      const v = this.reader!.vector(this.fileRow[slot]!, this.dim);
      if (!matchesQuantized(v, this.matrix, slot * this.dim)) throw new IndexFileError('a vector does not match its checksummed int8 copy (damaged file)');
      return v;
    });
  }

  /** The changes as a segment: the changed points still present, and the ids no longer present. */
  segment(changed: ReadonlySet<string>): IndexSegment {
    const removed: string[] = [];
    const payloads: StoredPayload[] = [];
    const vectors = new Float32Array(changed.size * this.dim);
    for (const id of changed) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) {
        removed.push(id);
        continue;
      }
      vectors.set(this.exact[slot]!, payloads.length * this.dim);
      payloads.push(this.payloads[slot]!);
    }
    return { removed, payloads, vectors: vectors.subarray(0, payloads.length * this.dim) };
  }

  /** Every live point in consecutive order (for writing the file whole); a point damaged on disk is dropped. */
  compacted(): { payloads: StoredPayload[]; vectors: Float32Array; quantized: Int8Array; slots: number[] } {
    const payloads: StoredPayload[] = [];
    const slots: number[] = [];
    const vectors = new Float32Array(this.slotOf.size * this.dim);
    const quantized = new Int8Array(this.slotOf.size * this.dim);
    for (let s = 0; s < this.payloads.length; s++) {
      const p = this.payloads[s];
      const bytes = p && this.guard(p.id, () => p.bytes());
      const vector = bytes && this.vectorAt(s);
      if (!p || !bytes || !vector) continue;
      // Read once here; the new file's writer then re-points it at its place there.
      const held = StoredPayload.stored(p.row, bytes);
      this.payloads[s] = held;
      vectors.set(vector, payloads.length * this.dim);
      quantized.set(this.matrix.subarray(s * this.dim, (s + 1) * this.dim), payloads.length * this.dim);
      payloads.push(held);
      slots.push(s);
    }
    const n = payloads.length * this.dim;
    return { payloads, vectors: vectors.subarray(0, n), quantized: quantized.subarray(0, n), slots };
  }

  /** After the file was written whole from compacted(): the point in slots[i] is row i of the file `reader` reads. */
  rewritten(reader: IndexFileReader, slots: readonly number[]): void {
    this.reader = reader;
    slots.forEach((slot, row) => {
      this.fileRow[slot] = row;
      this.exact[slot] = undefined;
    });
  }

  private guard<T>(id: string, read: () => T): T | undefined {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof IndexFileError)) throw e;
      this.drop(id);
      this.onDamaged(id, e.message);
      return undefined;
    }
  }

  private ensureCapacity(rows: number): void {
    if (this.matrix.length >= rows * this.dim) return;
    const cap = Math.max(rows, Math.ceil((this.matrix.length / this.dim) * 1.5), 64);
    const next = new Int8Array(cap * this.dim);
    next.set(this.matrix);
    this.matrix = next;
    const fileRow = new Int32Array(cap).fill(-1);
    fileRow.set(this.fileRow);
    this.fileRow = fileRow;
  }
}
