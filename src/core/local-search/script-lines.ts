import { STOP_WORDS, normalizeTerm, words } from './text';

/** A line of a playbook's script that matched the query, for "why it matched". */
export interface ScriptLine {
  path: string;
  /** 1-based. */
  line: number;
  /** The line, trimmed, control characters replaced, at most 160 characters. */
  text: string;
}

/**
 * The script line that holds the most of the query's words (a word counts when a word of the
 * line starts with it, as keyword matching does), first such line on a tie; undefined when no
 * line holds any. Only the scripts the payload carries are looked at: small, non-sensitive ones.
 */
export function matchingScriptLine(scripts: Record<string, string>, queryTerms: readonly string[]): ScriptLine | undefined {
  const terms = queryTerms.filter((t) => !t.startsWith('~') && !STOP_WORDS.has(t));
  if (!terms.length) return undefined;
  let best: ScriptLine | undefined;
  let bestCount = 0;
  for (const [path, body] of Object.entries(scripts)) {
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      if (raw.length > 2000) continue;
      const lineWords = words(raw).map(normalizeTerm);
      const count = terms.filter((t) => lineWords.some((w) => w === t || (t.length >= 4 && w.startsWith(t)))).length;
      if (count > bestCount) {
        bestCount = count;
        best = { path, line: i + 1, text: clean(raw) };
      }
    }
  }
  return best;
}

function clean(line: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const t = line.trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return t.length > 160 ? `${t.slice(0, 157)}…` : t;
}
