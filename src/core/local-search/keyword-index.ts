import MiniSearch from 'minisearch';
import type { SearchResult } from 'minisearch';
import type { PlaybookPayload } from './payload';
import { sha256 } from '../shared/hash';
import { SYNONYM_GROUPS, conceptsOf } from './synonyms';
import { STOP_WORDS, normalizeTerm, splitIdentifier, words } from './text';

interface KeywordDoc {
  id: string;
  name: string;
  keywords: string;
  resource_types: string;
  description: string;
  params: string;
  /** Concepts of the name, keywords and resource types: what the playbook is about. */
  title_concepts: string;
  /** Concepts of the description. */
  concepts: string;
}

export const FIELD_BOOSTS = { name: 3, keywords: 2.5, resource_types: 2, description: 1, params: 0.3, title_concepts: 3, concepts: 1 } as const;

/** How a query is searched: its plain terms and its concepts. */
export interface ParsedQuery {
  terms: string[];
  concepts: string[];
}

export function parseQuery(query: string): ParsedQuery {
  const terms = [...new Set(words(query).filter((w) => !STOP_WORDS.has(w)).map(normalizeTerm))];
  return { terms, concepts: conceptsOf(query) };
}

export interface KeywordHit {
  id: string;
  score: number;
  /** Matched term -> fields it matched in. */
  match: Record<string, string[]>;
}

export function toKeywordDoc(p: PlaybookPayload): KeywordDoc {
  const meta = p.metadata;
  return {
    id: p.playbook_id,
    name: splitIdentifier(p.name),
    keywords: p.keywords.map(splitIdentifier).join(' '),
    resource_types: p.resource_types.map(splitIdentifier).join(' '),
    description: p.description,
    params: (meta?.parameters ?? []).map((x) => splitIdentifier(x.name)).join(' '),
    title_concepts: conceptsOf([p.name, p.keywords.join(' '), p.resource_types.join(' ')].join(' . ')).join(' '),
    concepts: conceptsOf(p.description).join(' '),
  };
}

const FIELDS = ['name', 'keywords', 'resource_types', 'description', 'params', 'title_concepts', 'concepts'];

/**
 * Identifies how documents are turned into terms. A saved index is only reused when this matches
 * the running code; bump TOKENIZER_REVISION when text.ts or toKeywordDoc change behaviour (the
 * synonym table and field list are hashed in already).
 */
const TOKENIZER_REVISION = 1;
export const KEYWORD_INDEX_VERSION = sha256(JSON.stringify([TOKENIZER_REVISION, FIELDS, SYNONYM_GROUPS, [...STOP_WORDS]])).slice(0, 16);

function options(): ConstructorParameters<typeof MiniSearch<KeywordDoc>>[0] {
  return {
    fields: FIELDS,
    idField: 'id',
    // Concept tokens ("~database") must survive tokenising intact; everything else is split on
    // non-alphanumerics after identifiers are split ("EnableRDSCluster" -> enable rds cluster).
    tokenize: (text, field) => (field?.endsWith('concepts') ? text.split(' ').filter(Boolean) : words(text)),
    processTerm: (term, field) => (field?.endsWith('concepts') ? term : STOP_WORDS.has(term) ? null : normalizeTerm(term)),
    // Queries arrive already normalised by parseQuery (same rules as above), so searching must not
    // cut or fold them again.
    searchOptions: { boost: { ...FIELD_BOOSTS }, tokenize: (text) => text.split(' ').filter(Boolean), processTerm: (term) => term },
  };
}

/**
 * Keyword (BM25+) ranking with MiniSearch over each playbook's fields. Field boosts say where a
 * word matters: a word in the name or keywords is stronger evidence than one deep in the
 * description; parameter names are weak evidence. `concepts` holds the synonym-concept tokens
 * (synonyms.ts) of the name, keywords, resource types and description.
 *
 * Query terms use prefix matching (so "encrypt" finds "encryption") and a little fuzziness for
 * typos on longer words; concept tokens are matched exactly and only in `concepts`.
 */
export class KeywordIndex {
  private constructor(private readonly ms: MiniSearch<KeywordDoc>) {}

  static empty(): KeywordIndex {
    return new KeywordIndex(new MiniSearch<KeywordDoc>(options()));
  }

  /** Restores a saved index (about 3x faster than re-indexing every playbook). */
  static fromJSON(json: string): KeywordIndex {
    return new KeywordIndex(MiniSearch.loadJSON<KeywordDoc>(json, options()));
  }

  toJSON(): string {
    return JSON.stringify(this.ms);
  }

  get size(): number {
    return this.ms.documentCount;
  }

  has(id: string): boolean {
    return this.ms.has(id);
  }

  /** Adds or replaces one playbook. */
  set(p: PlaybookPayload): void {
    const doc = toKeywordDoc(p);
    if (this.ms.has(doc.id)) this.ms.replace(doc);
    else this.ms.add(doc);
  }

  remove(id: string): void {
    if (this.ms.has(id)) this.ms.discard(id);
  }

  clear(): void {
    this.ms.removeAll();
  }

  search(q: ParsedQuery, options: { limit: number; allow?: (id: string) => boolean }): KeywordHit[] {
    if (!q.terms.length && !q.concepts.length) return [];
    const results: SearchResult[] = this.ms.search(
      {
        combineWith: 'OR',
        queries: [
          ...(q.terms.length ? [{ queries: q.terms, fields: ['name', 'keywords', 'resource_types', 'description', 'params'] }] : []),
          ...(q.concepts.length ? [{ queries: q.concepts, fields: ['title_concepts', 'concepts'], prefix: false, fuzzy: false }] : []),
        ],
      },
      {
        // Prefix only from 4 letters ("db" must not match "dbi…"); typos tolerated on long words.
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 6 ? 0.15 : false),
        ...(options.allow ? { filter: (r: SearchResult) => options.allow!(r.id as string) } : {}),
      },
    );
    return results.slice(0, options.limit).map((r) => ({ id: r.id as string, score: r.score, match: r.match }));
  }
}
