import type { PlaybookPayload } from '../payload';
import { conceptsOf } from '../synonyms';
import { STOP_WORDS, normalizeTerm, splitIdentifier, words } from '../text';

/**
 * What the keyword index knows of a playbook: named fields of text, each cut into terms. Field
 * boosts say where a word matters: a word in the name or keywords is stronger evidence than one
 * deep in the description; parameter names and script bodies are weak evidence. The two concept fields hold the
 * synonym-concept tokens (synonyms.ts) of the title (name, keywords, resource types) and of the
 * description.
 */
export const FIELDS = ['name', 'keywords', 'resource_types', 'description', 'params', 'scripts', 'title_concepts', 'concepts'] as const;
export type Field = (typeof FIELDS)[number];

export const FIELD_BOOSTS: Record<Field, number> = { name: 3, keywords: 2.5, resource_types: 2, description: 1, params: 0.3, scripts: 0.5, title_concepts: 3, concepts: 1 };

/** Field numbers of the plain-word fields and of the concept fields. */
export const TERM_FIELDS: readonly number[] = FIELDS.map((f, i) => (f.endsWith('concepts') ? -1 : i)).filter((i) => i >= 0);
export const CONCEPT_FIELDS: readonly number[] = FIELDS.map((f, i) => (f.endsWith('concepts') ? i : -1)).filter((i) => i >= 0);

/** One field of a document: its terms with their counts, and its length (distinct raw words). */
export interface FieldTerms {
  length: number;
  tf: Map<string, number>;
}

export function keywordFields(p: PlaybookPayload): string[] {
  const meta = p.metadata;
  return [
    splitIdentifier(p.name),
    p.keywords.map(splitIdentifier).join(' '),
    p.resource_types.map(splitIdentifier).join(' '),
    p.description,
    (meta?.parameters ?? []).map((x) => splitIdentifier(x.name)).join(' '),
    // Bodies of the small, non-sensitive scripts the payload carries (payload.ts): "which playbook
    // calls aws rds stop-db-instance" is answered from them. Sensitive scripts are never in a payload.
    Object.values(p.scripts ?? {}).join('\n'),
    conceptsOf([p.name, p.keywords.join(' '), p.resource_types.join(' ')].join(' . ')).join(' '),
    conceptsOf(p.description).join(' '),
  ];
}

/**
 * Cuts every field into terms: plain fields into normalised words without stop words, concept
 * fields into their "~concept" tokens as they are. A field's length counts its distinct raw
 * words (stop words included), as BM25's length normalisation expects.
 */
export function analyze(p: PlaybookPayload): FieldTerms[] {
  return keywordFields(p).map((text, f) => {
    const concept = FIELDS[f]!.endsWith('concepts');
    const raw = concept ? text.split(' ').filter(Boolean) : words(text);
    const tf = new Map<string, number>();
    for (const w of raw) {
      if (!concept && STOP_WORDS.has(w)) continue;
      const t = concept ? w : normalizeTerm(w);
      tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    return { length: new Set(raw).size, tf };
  });
}
