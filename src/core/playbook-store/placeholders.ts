/**
 * Placeholders in playbook scripts: `{{name}}` and `{{name | default}}` (spaces inside the braces
 * optional), the syntax syntaxes/playbook-parameters.injection.tmLanguage.json highlights. A name
 * follows the schema's parameter-name rule; the default is everything up to the closing braces
 * (it cannot contain "}" or a line break). `{{{x}}}` is a "{" followed by the placeholder `{{x}}` and a "}".
 */
export interface Placeholder {
  name: string;
  /** The text after "|", trimmed; undefined when there is no "|". */
  inlineDefault: string | undefined;
  /** Offsets of the whole `{{…}}` in the text. */
  start: number;
  end: number;
  /** 1-based line and column of the start. */
  line: number;
  column: number;
}

const PLACEHOLDER = /\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]{0,63})[ \t]*(?:\|([^}\n]*))?\}\}/g;
/** Something between double braces that is not a valid placeholder (`{{ db-id }}`, `{{ 9x }}`). */
const MALFORMED = /\{\{(?!\{)[ \t]*([^{}\s|][^{}|\n]*?)[ \t]*(?:\|[^}\n]*)?\}\}/g;

export function findPlaceholders(text: string): Placeholder[] {
  const lines = lineStarts(text);
  const out: Placeholder[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const start = m.index;
    const { line, column } = position(lines, start);
    out.push({ name: m[1]!, inlineDefault: m[2]?.trim(), start, end: start + m[0].length, line, column });
  }
  return out;
}

/** `{{ … }}` spans that look meant as placeholders but whose name is not a valid parameter name. */
export function findMalformedPlaceholders(text: string): Array<{ text: string; line: number; column: number }> {
  const lines = lineStarts(text);
  const out: Array<{ text: string; line: number; column: number }> = [];
  for (const m of text.matchAll(MALFORMED)) {
    if (/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(m[1]!)) continue;
    out.push({ text: m[0], ...position(lines, m.index) });
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
