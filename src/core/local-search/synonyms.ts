import { normalizeTerm, words } from './text';
import { CLOUD_SERVICES } from './vocabulary/cloud-services';
import { OPERATIONS_STATES, OPERATIONS_VERBS } from './vocabulary/operations-slang';
import { RUNBOOK_TERMS } from './vocabulary/runbook-terms';
import type { VocabularySection } from './vocabulary/types';

/**
 * Cloud vocabulary: many names for one thing. Each group maps every way people say it to one
 * concept token (the first entry, prefixed "~"). The keyword index stores the concept tokens of
 * each document in its `concepts` fields, and a query's concept tokens are searched there, so
 * "postgres", "db", "RDS" and "database" all meet at "~database" without adding a dozen OR-terms
 * to the query (which would let documents that happen to say two synonyms outrank better ones).
 *
 * The groups come from sources independent of any evaluation query set; each section names its
 * source (vocabulary/*.ts). Multi-word entries are matched as phrases. Entries are given as people
 * write them; they are normalised with the same rules as all other text.
 */
export const VOCABULARY: readonly VocabularySection[] = [CLOUD_SERVICES, OPERATIONS_VERBS, OPERATIONS_STATES, RUNBOOK_TERMS];

export const SYNONYM_GROUPS: readonly (readonly string[])[] = VOCABULARY.flatMap((s) => s.groups);

interface Compiled {
  /** Phrase (normalised words joined by a space) -> concept tokens. */
  phrases: Map<string, string[]>;
  /** Every normalised word of every entry. */
  words: Set<string>;
  /** First words of all phrases: most words start none, and are skipped without building strings. */
  starts: Set<string>;
  maxWords: number;
}

let compiled: Compiled | undefined;

export function conceptToken(entry: string): string {
  return '~' + words(entry).map(normalizeTerm).join('_');
}

function compile(): Compiled {
  const phrases = new Map<string, string[]>();
  const starts = new Set<string>();
  const all = new Set<string>();
  let maxWords = 1;
  for (const group of SYNONYM_GROUPS) {
    const concept = conceptToken(group[0]!);
    for (const entry of group) {
      const w = words(entry).map(normalizeTerm);
      if (!w.length) continue;
      maxWords = Math.max(maxWords, w.length);
      starts.add(w[0]!);
      for (const x of w) all.add(x);
      const key = w.join(' ');
      const list = phrases.get(key) ?? [];
      if (!list.includes(concept)) list.push(concept);
      phrases.set(key, list);
    }
  }
  return { phrases, words: all, starts, maxWords };
}

/**
 * Concept tokens found in a text, longest phrase first (so "shut down" is one stop, not a
 * "shut" and a "down"). Each concept is reported once, in order of first appearance.
 */
export function conceptsOf(text: string): string[] {
  return conceptsOfWords(words(text).map(normalizeTerm));
}

/** conceptsOf for words already cut and normalised. */
export function conceptsOfWords(w: readonly string[]): string[] {
  compiled ??= compile();
  const found = new Set<string>();
  for (let i = 0; i < w.length; ) {
    if (!compiled.starts.has(w[i]!)) {
      i++;
      continue;
    }
    let matched = 0;
    for (let n = Math.min(compiled.maxWords, w.length - i); n >= 1; n--) {
      const c = compiled.phrases.get(n === 1 ? w[i]! : w.slice(i, i + n).join(' '));
      if (c) {
        for (const x of c) found.add(x);
        matched = n;
        break;
      }
    }
    i += matched || 1;
  }
  return [...found];
}

/** Whether a normalised word occurs in the vocabulary (a word the spelling corrector must not "fix"). */
export function isVocabularyWord(word: string): boolean {
  compiled ??= compile();
  return compiled.words.has(word);
}

/** Every normalised word of the vocabulary (spelling corrections may land on them). */
export function vocabularyWords(): ReadonlySet<string> {
  compiled ??= compile();
  return compiled.words;
}

/** The readable words of a concept ("~load_balancer" -> "load balancer"), for `why` and query expansion of the semantic side. */
export function conceptLabel(concept: string): string {
  return concept.replace(/^~/, '').replace(/_/g, ' ');
}
