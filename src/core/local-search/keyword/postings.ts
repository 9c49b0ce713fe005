/**
 * The postings of one term: which document slots have it, in which field, how often. Entries are
 * `slot << FIELD_BITS | field`, ascending (documents get increasing slots, so appending keeps the
 * order), with the term frequency (capped at 255) beside each. A loaded index hands out views
 * into the file's buffer; the first append copies them (copy on write), so loading costs no copy.
 */
export const FIELD_BITS = 3;
export const FIELD_MASK = (1 << FIELD_BITS) - 1;
/** Slots fit in the 29 bits left. */
export const MAX_SLOTS = 2 ** (32 - FIELD_BITS);

export class Postings {
  keys: Uint32Array;
  tfs: Uint8Array;
  length: number;
  /** Documents per field that have the term, live or not (exact while the index has no removed slots). */
  readonly df: Uint32Array;
  private owned: boolean;

  constructor(fields: number, keys?: Uint32Array, tfs?: Uint8Array, df?: Uint32Array) {
    this.keys = keys ?? new Uint32Array(4);
    this.tfs = tfs ?? new Uint8Array(4);
    this.length = keys ? keys.length : 0;
    this.df = df ?? new Uint32Array(fields);
    this.owned = !keys;
  }

  add(slot: number, field: number, tf: number): void {
    if (!this.owned || this.length === this.keys.length) this.grow();
    this.keys[this.length] = ((slot << FIELD_BITS) | field) >>> 0;
    this.tfs[this.length] = Math.min(tf, 255);
    this.length++;
    this.df[field]!++;
  }

  /** Index of the first entry of `slot` (or where it would be). */
  lowerBound(slot: number): number {
    const key = (slot << FIELD_BITS) >>> 0;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const cap = Math.max(4, this.length * 2);
    const keys = new Uint32Array(cap);
    const tfs = new Uint8Array(cap);
    keys.set(this.keys.subarray(0, this.length));
    tfs.set(this.tfs.subarray(0, this.length));
    this.keys = keys;
    this.tfs = tfs;
    this.owned = true;
  }
}
