/**
 * Terminal-safe text. Every string the CLI prints passes through here (src/cli/output.ts), and so
 * does the text of the extension's Markdown tooltips, because names, descriptions, review
 * comments and error messages come from files and servers nobody here controls. A raw ESC or C1 control in them would be obeyed by the terminal: OSC 52 writes
 * the clipboard, OSC 8 makes a fake link, CSI moves the cursor or rewrites earlier lines, a
 * carriage return overwrites the line, and bidirectional overrides reorder what is displayed.
 *
 * Unprintable characters become visible escapes: \n \r as such, others below U+0100 as \xNN
 * (\x1b, \x9b), the rest as \uNNNN (\u202e) or \u{NNNNN}. Refused: C0 and C1 controls and DEL (Cc), line and
 * paragraph separators (Zl, Zp), lone surrogates (Cs) and format characters (Cf: bidi controls,
 * zero-width spaces, BOM) except the zero-width (non-)joiners that emoji and several scripts need.
 * Tab is kept (harmless, and allowed in descriptions); newline only where the caller says the text
 * is meant to span lines. The output holds only printable characters, so escaping twice changes
 * nothing.
 */
const UNPRINTABLE = /(?![\t\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNPRINTABLE_KEEPING_NEWLINES = /(?![\t\n\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function escapeChar(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** `s` with every unprintable character escaped; newlines kept only with `{ multiline: true }`. */
export function printable(s: string, opts: { multiline?: boolean } = {}): string {
  return s.replace(opts.multiline ? UNPRINTABLE_KEEPING_NEWLINES : UNPRINTABLE, escapeChar);
}

/**
 * JSON text safe for a terminal and still the same JSON: JSON.stringify escapes C0 controls and
 * lone surrogates but leaves DEL, C1 controls, U+2028/U+2029 and format characters raw; those
 * can only occur inside strings, where \uNNNN means the same character.
 */
const JSON_UNSAFE = /(?![\u200c\u200d])[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

export function printableJson(text: string): string {
  // Per UTF-16 code unit: JSON's \u escapes name code units (an astral character is two).
  return text.replace(JSON_UNSAFE, (ch) => Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
}
