import MiniSearch from 'minisearch';
import type { ParsedQuery } from '../src/core/local-search/keyword-index';
import { FIELDS, FIELD_BOOSTS, keywordFields } from '../src/core/local-search/keyword/keyword-doc';
import type { PlaybookPayload } from '../src/core/local-search/payload';
import { STOP_WORDS, normalizeTerm, words } from '../src/core/local-search/text';

/**
 * The keyword ranking as it was before the top-k scorer: MiniSearch (BM25+, same fields, boosts,
 * prefix and fuzzy rules), which scores every matching posting. Kept only as the benchmark's
 * baseline for the keyword rows.
 */
export class MiniSearchBaseline {
  private readonly ms = new MiniSearch<Record<string, string>>({
    fields: [...FIELDS],
    idField: 'id',
    tokenize: (text, field) => (field?.endsWith('concepts') ? text.split(' ').filter(Boolean) : words(text)),
    processTerm: (term, field) => (field?.endsWith('concepts') ? term : STOP_WORDS.has(term) ? null : normalizeTerm(term)),
    searchOptions: { boost: { ...FIELD_BOOSTS }, tokenize: (text) => text.split(' ').filter(Boolean), processTerm: (term) => term },
  });

  add(p: PlaybookPayload): void {
    const doc: Record<string, string> = { id: p.playbook_id };
    keywordFields(p).forEach((text, i) => (doc[FIELDS[i]!] = text));
    this.ms.add(doc);
  }

  search(q: ParsedQuery, limit: number): string[] {
    const termFields = FIELDS.filter((f) => !f.endsWith('concepts'));
    return this.ms
      .search(
        {
          combineWith: 'OR',
          queries: [
            ...(q.terms.length ? [{ queries: q.terms, fields: termFields }] : []),
            ...(q.concepts.length ? [{ queries: q.concepts, fields: ['title_concepts', 'concepts'], prefix: false, fuzzy: false }] : []),
          ],
        },
        { prefix: (term) => term.length >= 4, fuzzy: (term) => (term.length >= 6 ? 0.15 : false) },
      )
      .slice(0, limit)
      .map((r) => r.id as string);
  }
}
