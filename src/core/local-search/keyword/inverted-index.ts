import { FIELDS } from './keyword-doc';
import type { FieldTerms } from './keyword-doc';
import { MAX_SLOTS, Postings } from './postings';

const F = FIELDS.length;

/**
 * The keyword index's data: document slots, per-field lengths, and the postings of every term.
 *
 * Removing a document only marks its slot dead (its postings stay, skipped when scoring); a
 * replaced document gets a new slot. Slots are never reused before `compacted()`, which the
 * codec runs when saving, so a dead slot's postings can never be mistaken for a new document's.
 */
export class InvertedIndex {
  ids: string[] = [];
  readonly slotOf = new Map<string, number>();
  alive: Uint8Array = new Uint8Array(0);
  /** slot * F + field -> field length. */
  fieldLen: Uint16Array = new Uint16Array(0);
  readonly lengthSum = new Float64Array(F);
  readonly terms = new Map<string, Postings>();
  live = 0;
  dead = 0;
  /** Changes with every add, remove or load (scorers cache per-document numbers by it). */
  version = 0;
  private sorted: string[] | undefined;

  get slots(): number {
    return this.ids.length;
  }

  /** Average length of each field over live documents. */
  avgLength(field: number): number {
    return this.live ? this.lengthSum[field]! / this.live : 0;
  }

  add(id: string, fields: readonly FieldTerms[]): void {
    this.remove(id);
    const slot = this.ids.length;
    if (slot >= MAX_SLOTS) throw new Error('keyword index full: compact it first');
    this.version++;
    this.ensureCapacity(slot + 1);
    this.ids.push(id);
    this.slotOf.set(id, slot);
    this.alive[slot] = 1;
    this.live++;
    fields.forEach((f, field) => {
      this.fieldLen[slot * F + field] = Math.min(f.length, 65535);
      this.lengthSum[field]! += f.length;
      for (const [term, tf] of f.tf) {
        let p = this.terms.get(term);
        if (!p) {
          p = new Postings(F);
          this.terms.set(term, p);
          this.sorted = undefined;
        }
        p.add(slot, field, tf);
      }
    });
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.version++;
    this.alive[slot] = 0;
    this.live--;
    this.dead++;
    for (let f = 0; f < F; f++) this.lengthSum[f]! -= this.fieldLen[slot * F + f]!;
    return true;
  }

  /** Every term, sorted (for prefix and typo matching); rebuilt after new terms arrive. */
  sortedTerms(): string[] {
    this.sorted ??= [...this.terms.keys()].sort();
    return this.sorted;
  }

  /** Installs loaded state (the codec's decode). */
  load(state: { ids: string[]; alive: Uint8Array; fieldLen: Uint16Array; terms: Map<string, Postings> }): void {
    this.ids = state.ids;
    this.version++;
    this.slotOf.clear();
    this.alive = state.alive;
    this.fieldLen = state.fieldLen;
    this.live = 0;
    this.dead = 0;
    this.lengthSum.fill(0);
    state.ids.forEach((id, slot) => {
      if (!state.alive[slot]) {
        this.dead++;
        return;
      }
      this.slotOf.set(id, slot);
      this.live++;
      for (let f = 0; f < F; f++) this.lengthSum[f]! += state.fieldLen[slot * F + f]!;
    });
    this.terms.clear();
    for (const [t, p] of state.terms) this.terms.set(t, p);
    this.sorted = undefined;
  }

  clear(): void {
    this.load({ ids: [], alive: new Uint8Array(0), fieldLen: new Uint16Array(0), terms: new Map() });
  }

  private ensureCapacity(slots: number): void {
    if (this.alive.length >= slots) return;
    const cap = Math.max(64, slots, Math.ceil(this.alive.length * 1.5));
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    const fieldLen = new Uint16Array(cap * F);
    fieldLen.set(this.fieldLen);
    this.alive = alive;
    this.fieldLen = fieldLen;
  }
}
