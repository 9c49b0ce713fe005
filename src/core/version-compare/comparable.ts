import type { ParameterSpec, ScriptEntry } from '../playbook-store/metadata';
import { stripSensitiveDefault } from '../metadata-publisher/three-way-merge';

/** What a compared metadata.json is made of: a stored version's metadata, or the server's copy of one. */
export interface ComparableMetadata {
  scripts: ScriptEntry[];
  parameters: ParameterSpec[];
}

/** Fields that say where a copy is or how it travelled, not what it holds: left out of a comparison. */
const NOT_CONTENT = new Set(['$schema', 'content_hash']);

/**
 * metadata.json as text to compare: pretty, keys in one stable (sorted) order, each script's
 * sha256 and size kept (a script change shows in the metadata too), its s3_path dropped (where,
 * not what), and sensitive parameter defaults dropped — ciphertext on this machine, absent on the
 * server, never to be printed either way. Two copies of the same content give the same text,
 * whichever side wrote their keys in which order.
 */
export function comparableMetadataText(m: ComparableMetadata): string {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m as object)) if (!NOT_CONTENT.has(k)) view[k] = v;
  view.parameters = m.parameters.map(stripSensitiveDefault);
  view.scripts = [...m.scripts]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((s) => {
      const { s3_path: _where, ...what } = s;
      return what;
    });
  return JSON.stringify(sortKeys(view), null, 2) + '\n';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}
