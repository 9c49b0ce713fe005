import metadataSchema from '../../../schemas/metadata.schema.json';

/**
 * Which characters a text field may hold. Names, descriptions, keywords, review comments … are
 * shown in terminals and editors, and a stored ESC or C1 control, a line separator or a
 * bidirectional override there can write the clipboard (OSC 52), fake a link (OSC 8), move the
 * cursor or reorder what is displayed. The rule is stated once, as JSON Schema `pattern`s in
 * schemas/metadata.schema.json, so the store (its compiled validator), the reference server and
 * the client's response checks (wire-schemas.ts) and the OpenAPI document all enforce the same one:
 *   ONE_LINE_PATTERN  no C0/C1 controls, DEL, U+2028/U+2029, bidi embeddings/overrides/isolates
 *   TEXT_PATTERN      the same, but newline and tab are allowed (descriptions, comments)
 */
export const ONE_LINE_PATTERN: string = metadataSchema.properties.name.pattern;
export const TEXT_PATTERN: string = metadataSchema.properties.description.pattern;

/** The class of refused characters inside a `^[^…]*$` pattern. */
function refusedClass(pattern: string): RegExp {
  if (!pattern.startsWith('^[^') || !pattern.endsWith(']*$')) throw new Error(`text pattern ${pattern} is not of the form ^[^…]*$`);
  return new RegExp(`[${pattern.slice(3, -3)}]`, 'u');
}

const RULES = new Map<string, { refused: RegExp; message: string }>([
  [ONE_LINE_PATTERN, { refused: refusedClass(ONE_LINE_PATTERN), message: 'must be one line without control characters or bidirectional overrides' }],
  [TEXT_PATTERN, { refused: refusedClass(TEXT_PATTERN), message: 'must not contain control characters (newline and tab are allowed) or bidirectional overrides' }],
]);

/** U+001B style name of the first refused character of `value`, if any. */
function firstRefused(value: unknown, refused: RegExp): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = refused.exec(value);
  return m ? `U+${(m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * A readable message for a failed `pattern` check when the pattern is one of the text rules
 * ("must not contain control characters … (found U+001B)"), else undefined (the caller keeps
 * Ajv's own message). `value` is the offending string when the caller has it.
 */
export function textRuleMessage(pattern: unknown, value?: unknown): string | undefined {
  const rule = typeof pattern === 'string' ? RULES.get(pattern) : undefined;
  if (!rule) return undefined;
  const found = firstRefused(value, rule.refused);
  return found ? `${rule.message} (found ${found})` : rule.message;
}

/** The value at a JSON pointer ("/keywords/2") inside `root`, for error messages. */
export function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
