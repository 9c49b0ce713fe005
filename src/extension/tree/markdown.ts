/** Escapes Markdown syntax in text shown in a tree tooltip (names and messages come from files and the server). */
export function escapeMd(s: string): string {
  return s.replace(/([\\`*_{}[\]()#+!|<>])/g, '\\$1');
}
