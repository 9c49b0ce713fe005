import { sha256 } from '../shared/hash';

/**
 * The change detector of published metadata, computed the same way by the publisher (to decide
 * what to send) and by the server (which verifies it on publish and recomputes it after a
 * reviewer's PATCH).
 *
 * content_hash = sha256 of the canonical JSON of the metadata WITHOUT `content_hash`, `$schema`
 * and each script's `s3_path` (where a script is stored is not what it is; the server may fill it
 * in). Canonical JSON = object keys sorted by UTF-16 code unit, no whitespace, arrays in order,
 * numbers and strings as JSON.stringify writes them. Script sha256s are part of it, so any script
 * edit changes the hash even when nothing else does.
 */
export function contentHash(metadata: object): string {
  const { content_hash: _h, $schema: _s, ...rest } = metadata as Record<string, unknown>;
  const scripts = Array.isArray(rest.scripts)
    ? rest.scripts.map((s: unknown) => {
        if (!s || typeof s !== 'object') return s;
        const { s3_path: _p, ...script } = s as Record<string, unknown>;
        return script;
      })
    : rest.scripts;
  return sha256(canonicalJson({ ...rest, scripts }));
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    // undefined/functions have no JSON form; they are dropped from objects and become null in arrays, as JSON.stringify does.
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
