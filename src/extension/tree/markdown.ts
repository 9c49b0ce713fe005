import { printable } from '../../core/shared/printable';

/**
 * Text shown literally inside a Markdown tooltip. CommonMark lets any ASCII punctuation be
 * backslash-escaped, so escaping all of it means nothing in the text can form emphasis, a link or
 * autolink, an image, HTML, an entity, a heading, a list or a table; unprintable characters
 * (controls, bidi overrides) are first shown as visible escapes (printable.ts). Newlines are kept
 * only with `multiline` (a description), so a name stays on its line.
 */
export function escapeMd(s: string, opts: { multiline?: boolean } = {}): string {
  return printable(s, opts).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
