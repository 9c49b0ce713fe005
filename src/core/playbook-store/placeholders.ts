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
  const at = positions(text);
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1]!, inlineDefault: m[2]?.trim(), start: m.index, end: m.index + m[0].length, ...at(m.index) }));
}

/** `{{ … }}` spans that look meant as placeholders but whose name is not a valid parameter name. */
export function findMalformedPlaceholders(text: string): Array<{ text: string; line: number; column: number }> {
  const at = positions(text);
  return [...text.matchAll(MALFORMED)].filter((m) => !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(m[1]!)).map((m) => ({ text: m[0], ...at(m.index) }));
}

/** 1-based line and column of offsets asked for in ascending order (matches come in order), counting newlines once. */
function positions(text: string): (offset: number) => { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  return (offset) => {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = offset;
    return { line, column: offset - lineStart + 1 };
  };
}
