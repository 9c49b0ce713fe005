import { isVocabularyWord, vocabularyWords } from '../synonyms';
import { editDistance } from './edit-distance';
import { lowerBound } from './scorer';
import { isEnglish } from './english-words';
import type { InvertedIndex } from './inverted-index';

/**
 * Typo correction of query words: a word that is neither an index term, nor the start of one,
 * nor a word of the synonym vocabulary, nor common English (english-words.ts) is replaced by the nearest word that is — within one edit
 * from 4 letters, two from 8 (transpositions count one) — preferring the word more documents
 * use. Correcting the word before the synonym phrases are matched is what lets "secuirty grup"
 * meet "security group" as a concept, not only as two fuzzy terms.
 */
export function correctWord(word: string, index: InvertedIndex): string {
  // Plural acronyms ("vms", "amis", "sgs"): the singular when that is a known word.
  if (word.length >= 3 && word.endsWith('s') && !isKnown(word, index) && isKnown(word.slice(0, -1), index)) return word.slice(0, -1);
  if (word.length < 4 || /\d/.test(word) || isKnown(word, index) || isEnglish(word)) return word;
  const max = word.length >= 8 ? 2 : 1;
  let best = word;
  let bestDistance = max + 1;
  let bestDf = -1;
  const consider = (candidate: string, df: number) => {
    if (Math.abs(candidate.length - word.length) > max || candidate.startsWith('~')) return;
    const d = editDistance(word, candidate, Math.min(max, bestDistance));
    if (d < bestDistance || (d === bestDistance && d <= max && df > bestDf)) {
      best = candidate;
      bestDistance = d;
      bestDf = df;
    }
  };
  for (const [term, p] of index.terms) consider(term, p.length);
  for (const w of vocabularyWords()) if (!index.terms.has(w)) consider(w, 0);
  return bestDistance <= max ? best : word;
}

function isKnown(word: string, index: InvertedIndex): boolean {
  if (index.terms.has(word) || isVocabularyWord(word)) return true;
  const sorted = index.sortedTerms();
  const at = lowerBound(sorted, word);
  return at < sorted.length && sorted[at]!.startsWith(word);
}
