import { IndexFileError } from './index-format';
import type { IndexSegment } from './index-segment';
import type { PlaybookPayload } from './payload';
import { StoredPayload } from './stored-payload';

/**
 * The embedded store's points in "slots": row i of one contiguous Float32Array matrix (so a search
 * hands a single buffer to usearch) and the payload of row i. Removing frees a slot (zeroed,
 * reused by the next insert). Remembers which ids changed since the last save.
 */
export class PointSlots {
  matrix: Float32Array<ArrayBufferLike> = new Float32Array(0);
  payloads: (StoredPayload | undefined)[] = [];
  readonly slotOf = new Map<string, number>();
  free: number[] = [];
  /** Ids written or removed since the last save (the next segment). */
  changed = new Set<string>();

  constructor(
    readonly dim: number,
    /** Told when a payload is found damaged on disk and its point dropped. */
    private readonly onDamaged: (id: string, why: string) => void = () => {},
  ) {}

  get rows(): number {
    return this.payloads.length;
  }

  /** Starts from a loaded base part: `matrix` may be bigger than the points (room for more). */
  load(matrix: Float32Array<ArrayBufferLike>, payloads: readonly StoredPayload[]): void {
    this.matrix = matrix;
    payloads.forEach((p, i) => {
      this.payloads[i] = p;
      this.slotOf.set(p.id, i);
    });
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
    this.matrix.set(vector, slot * this.dim);
    this.changed.add(p.id);
  }

  drop(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.payloads[slot] = undefined;
    this.matrix.fill(0, slot * this.dim, (slot + 1) * this.dim);
    this.free.push(slot);
    this.changed.add(id);
    return true;
  }

  /** The payload in `slot`; one found damaged on disk drops its point (the next reconcile indexes it again) and reads as absent. */
  payloadAt(slot: number): PlaybookPayload | undefined {
    const stored = this.payloads[slot];
    if (!stored) return undefined;
    try {
      return stored.payload;
    } catch (e) {
      if (!(e instanceof IndexFileError)) throw e;
      this.drop(stored.id);
      this.onDamaged(stored.id, e.message);
      return undefined;
    }
  }

  vectorAt(slot: number): Float32Array {
    return this.matrix.subarray(slot * this.dim, (slot + 1) * this.dim);
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
      vectors.set(this.vectorAt(slot), payloads.length * this.dim);
      payloads.push(this.payloads[slot]!);
    }
    return { removed, payloads, vectors: vectors.subarray(0, payloads.length * this.dim) };
  }

  /** Every live point in consecutive order (for writing the file whole); a payload damaged on disk is dropped. */
  compacted(): { payloads: StoredPayload[]; vectors: Float32Array } {
    const payloads: StoredPayload[] = [];
    const vectors = new Float32Array(this.slotOf.size * this.dim);
    for (let s = 0; s < this.payloads.length; s++) {
      const p = this.payloads[s];
      if (!p) continue;
      let bytes: Buffer;
      try {
        bytes = p.bytes();
      } catch (e) {
        if (!(e instanceof IndexFileError)) throw e;
        this.drop(p.id);
        this.onDamaged(p.id, e.message);
        continue;
      }
      // Read once here; the new file's writer then re-points it at its place there.
      const held = StoredPayload.stored(p.row, bytes);
      this.payloads[s] = held;
      vectors.set(this.vectorAt(s), payloads.length * this.dim);
      payloads.push(held);
    }
    return { payloads, vectors: vectors.subarray(0, payloads.length * this.dim) };
  }

  private ensureCapacity(rows: number): void {
    if (this.matrix.length >= rows * this.dim) return;
    const next = new Float32Array(Math.max(rows, Math.ceil((this.matrix.length / this.dim) * 1.5), 64) * this.dim);
    next.set(this.matrix);
    this.matrix = next;
  }
}
