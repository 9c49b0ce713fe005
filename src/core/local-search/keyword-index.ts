import type { PlaybookPayload } from './payload';
import { sha256 } from '../shared/hash';
import { SYNONYM_GROUPS, conceptsOfWords } from './synonyms';
import { STOP_WORDS, normalizeTerm, words } from './text';
import { FIELDS, FIELD_BOOSTS, analyze } from './keyword/keyword-doc';
import { InvertedIndex } from './keyword/inverted-index';
import { decodeKeywordIndex, encodeKeywordIndex } from './keyword/codec';
import { Scorer, expand } from './keyword/scorer';
import { correctWord } from './keyword/spelling';

export { FIELD_BOOSTS };

/** How a query is searched: its plain terms and its concepts. */
export interface ParsedQuery {
  terms: string[];
  concepts: string[];
  /** Words the typo correction replaced: typed -> corrected. */
  corrections?: Record<string, string>;
}

export function parseQuery(query: string): ParsedQuery {
  return parseWords(words(query).map(normalizeTerm));
}

function parseWords(normalized: readonly string[]): ParsedQuery {
  const terms = [...new Set(normalized.filter((w) => !STOP_WORDS.has(w)))];
  return { terms, concepts: conceptsOfWords(normalized) };
}

export interface KeywordHit {
  id: string;
  score: number;
  /** Matched term -> fields it matched in. */
  match: Record<string, string[]>;
}

/**
 * Identifies how documents are turned into terms and stored. A saved index is only reused when
 * this matches the running code; bump TOKENIZER_REVISION when text.ts, keyword/keyword-doc.ts
 * or keyword/codec.ts change behaviour (the synonym table and field list are hashed in already).
 */
const TOKENIZER_REVISION = 2;
export const KEYWORD_INDEX_VERSION = sha256(JSON.stringify([TOKENIZER_REVISION, FIELDS, SYNONYM_GROUPS, [...STOP_WORDS]])).slice(0, 16);

/**
 * Keyword (BM25+) ranking over each playbook's fields (keyword/keyword-doc.ts), with a scorer
 * that keeps only the best k documents (keyword/scorer.ts) and a binary form that loads as views
 * over the file's bytes (keyword/codec.ts).
 *
 * Query terms use prefix matching (so "encrypt" finds "encryption") and a little fuzziness for
 * typos on longer words; concept tokens are matched exactly and only in the concept fields.
 */
export class KeywordIndex {
  private readonly scorer: Scorer;

  private constructor(private readonly index: InvertedIndex) {
    this.scorer = new Scorer(index);
  }

  static empty(): KeywordIndex {
    return new KeywordIndex(new InvertedIndex());
  }

  /** Restores a saved index (keyword/codec.ts); throws KeywordCodecError on bytes that do not add up. */
  static fromBuffer(buf: Buffer): KeywordIndex {
    return new KeywordIndex(decodeKeywordIndex(buf));
  }

  toBuffer(): Buffer {
    return encodeKeywordIndex(this.index);
  }

  get size(): number {
    return this.index.live;
  }

  has(id: string): boolean {
    return this.index.slotOf.has(id);
  }

  /** Adds or replaces one playbook. */
  set(p: PlaybookPayload): void {
    this.index.add(p.playbook_id, analyze(p));
  }

  remove(id: string): void {
    this.index.remove(id);
  }

  clear(): void {
    this.index.clear();
  }

  /** parseQuery after typo correction against this index's words (keyword/spelling.ts). */
  parse(query: string): ParsedQuery {
    const corrections: Record<string, string> = {};
    const normalized = words(query).map((w) => {
      if (STOP_WORDS.has(w)) return w;
      const n = normalizeTerm(w);
      const c = correctWord(n, this.index);
      if (c !== n) corrections[w] = c;
      return c;
    });
    return { ...parseWords(normalized), ...(Object.keys(corrections).length ? { corrections } : {}) };
  }

  search(q: ParsedQuery, options: { limit: number; allow?: (id: string) => boolean }): KeywordHit[] {
    const units = [...q.terms, ...q.concepts].map((t) => expand(this.index, t)).filter((u) => u.expansions.length > 0);
    if (!units.length) return [];
    const ids = this.index.ids;
    const allow = options.allow;
    const top = this.scorer.topK(units, options.limit, allow ? (slot) => allow(ids[slot]!) : undefined);
    return top.map(({ slot, score }) => ({ id: ids[slot]!, score, match: this.scorer.matches(units, slot) }));
  }
}
