import { FIELDS, FIELD_BOOSTS } from './keyword-doc';
import type { InvertedIndex } from './inverted-index';
import { FIELD_BITS, FIELD_MASK } from './postings';
import type { Postings } from './postings';
import { editDistance } from './edit-distance';
import { TopK } from './top-k';

const F = FIELDS.length;
const BOOST = FIELDS.map((f) => FIELD_BOOSTS[f]);
/** BM25+ parameters (MiniSearch's defaults, which the field boosts were chosen with). */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;

/** One word of the query and the index terms it stands for (itself, longer words it starts, near spellings). */
export interface QueryUnit {
  source: string;
  expansions: { term: string; weight: number; postings: Postings }[];
}

export interface ScoredDoc {
  slot: number;
  score: number;
}

/**
 * Expands a query word: the exact term; from 4 letters the terms it is a prefix of; from 6
 * letters terms within `round(0.15 × length)` edits. Concept tokens ("~x") match exactly.
 */
export function expand(index: InvertedIndex, source: string): QueryUnit {
  const out: QueryUnit = { source, expansions: [] };
  const exact = index.terms.get(source);
  if (exact) out.expansions.push({ term: source, weight: 1, postings: exact });
  if (source.startsWith('~')) return out;
  const seen = new Set([source]);
  const sorted = index.sortedTerms();
  if (source.length >= 4) {
    for (let i = lowerBound(sorted, source); i < sorted.length && sorted[i]!.startsWith(source); i++) {
      const t = sorted[i]!;
      if (seen.has(t)) continue;
      seen.add(t);
      out.expansions.push({ term: t, weight: (PREFIX_WEIGHT * t.length) / (t.length + 0.3 * (t.length - source.length)), postings: index.terms.get(t)! });
    }
  }
  const maxEdits = source.length >= 6 ? Math.round(source.length * 0.15) : 0;
  if (maxEdits > 0) {
    for (const t of sorted) {
      if (seen.has(t) || t.startsWith('~') || Math.abs(t.length - source.length) > maxEdits) continue;
      const d = editDistance(source, t, maxEdits);
      if (d <= maxEdits) out.expansions.push({ term: t, weight: (FUZZY_WEIGHT * t.length) / (t.length + d), postings: index.terms.get(t)! });
    }
  }
  return out;
}

/**
 * BM25+ per field, weighted by field boost and expansion weight, summed over the query's words,
 * then multiplied by how many of them the document matched (so covering more of the query
 * beats repeating one word). Scores accumulate in one array over document slots — a multiply-add
 * per posting, no object per match — and only the best `limit` documents passing `allow` are kept.
 */
export class Scorer {
  private scores = new Float64Array(0);
  private matched = new Uint8Array(0);
  private lastUnit = new Uint16Array(0);
  private norms = new Float32Array(0);
  private normsVersion = -1;

  constructor(private readonly index: InvertedIndex) {}

  topK(units: readonly QueryUnit[], limit: number, allow?: (slot: number) => boolean): ScoredDoc[] {
    const idx = this.index;
    this.ensure(idx.slots);
    const touched: number[] = [];
    const { scores, matched, lastUnit } = this;
    const norm = this.lengthNorms();
    const alive = idx.alive;
    const n = idx.live;
    const df = new Uint32Array(F);
    const factor = new Float64Array(F);
    units.forEach((unit, u) => {
      const stamp = u + 1;
      for (const { weight, postings: p } of unit.expansions) {
        this.documentFrequency(p, df);
        for (let f = 0; f < F; f++) factor[f] = weight * BOOST[f]! * Math.log(1 + (n - df[f]! + 0.5) / (df[f]! + 0.5));
        const keys = p.keys;
        const tfs = p.tfs;
        for (let i = 0, len = p.length; i < len; i++) {
          const key = keys[i]!;
          const slot = key >>> FIELD_BITS;
          if (alive[slot] === 0) continue;
          const field = key & FIELD_MASK;
          const tf = tfs[i]!;
          const s = factor[field]! * (DELTA + (tf * (K1 + 1)) / (tf + norm[slot * F + field]!));
          if (matched[slot] === 0) touched.push(slot);
          scores[slot]! += s;
          if (lastUnit[slot] !== stamp) {
            lastUnit[slot] = stamp;
            matched[slot]!++;
          }
        }
      }
    });
    const top = new TopK(limit);
    for (const slot of touched) {
      const s = scores[slot]! * matched[slot]!;
      scores[slot] = 0;
      matched[slot] = 0;
      lastUnit[slot] = 0;
      if (top.accepts(s) && (!allow || allow(slot))) top.push(slot, s);
    }
    return top.sorted().map(({ key, score }) => ({ slot: key, score }));
  }

  /**
   * K1 × (1 − B + B × length / average length) for every slot and field: the part of BM25 that
   * depends on the document only. Recomputed when the index changed since the last search.
   */
  private lengthNorms(): Float32Array {
    const idx = this.index;
    if (this.normsVersion === idx.version && this.norms.length >= idx.slots * F) return this.norms;
    const norms = this.norms.length >= idx.slots * F ? this.norms : new Float32Array(Math.ceil(idx.slots * 1.25) * F);
    const avg = Array.from({ length: F }, (_, f) => idx.avgLength(f) || 1);
    for (let slot = 0; slot < idx.slots; slot++) {
      for (let f = 0; f < F; f++) norms[slot * F + f] = K1 * (1 - B + (B * idx.fieldLen[slot * F + f]!) / avg[f]!);
    }
    this.norms = norms;
    this.normsVersion = idx.version;
    return norms;
  }

  /** Which expanded terms a document matched, in which fields (for `why`). */
  matches(units: readonly QueryUnit[], slot: number): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const unit of units) {
      for (const { term, postings: p } of unit.expansions) {
        for (let i = p.lowerBound(slot); i < p.length && p.keys[i]! >>> FIELD_BITS === slot; i++) {
          (out[term] ??= []).push(FIELDS[p.keys[i]! & FIELD_MASK]!);
        }
      }
    }
    return out;
  }

  /** Live documents per field having the term: the stored counts, or a count when slots were removed since the last compaction. */
  private documentFrequency(p: Postings, df: Uint32Array): void {
    if (this.index.dead === 0) {
      df.set(p.df);
      return;
    }
    df.fill(0);
    for (let i = 0; i < p.length; i++) {
      const key = p.keys[i]!;
      if (this.index.alive[key >>> FIELD_BITS]) df[key & FIELD_MASK]!++;
    }
  }

  private ensure(slots: number): void {
    if (this.scores.length >= slots) return;
    const cap = Math.max(64, Math.ceil(slots * 1.25));
    this.scores = new Float64Array(cap);
    this.matched = new Uint8Array(cap);
    this.lastUnit = new Uint16Array(cap);
  }
}

/** Index of the first string in `sorted` not below `x`. */
export function lowerBound(sorted: readonly string[], x: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
