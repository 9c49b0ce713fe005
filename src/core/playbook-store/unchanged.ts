import { isDeepStrictEqual } from 'node:util';
import type { ParameterSpec, PlaybookMetadata, ScriptEntry } from './metadata';
import { openParameters } from './sensitive';

/**
 * Whether the version an update would write says nothing the base version does not: the same
 * descriptive fields, the same scripts (path, plaintext size and SHA-256, sensitivity, in the same
 * order) and the same parameters. Sensitive defaults are compared in plaintext, since every
 * write seals them afresh (new nonce); `inputParameters` undefined means the base's are kept.
 * When a sealed default cannot be opened (no key), the answer is "changed": writing a version too
 * many is recoverable, losing an edit is not.
 */
export function isUnchanged(base: PlaybookMetadata, next: PlaybookMetadata, inputParameters: readonly ParameterSpec[] | undefined, key: Buffer | undefined): boolean {
  const fields = ['name', 'description', 'keywords', 'cloud_provider', 'resource_types', 'storage_strategy'] as const;
  if (fields.some((f) => !isDeepStrictEqual(base[f], next[f]))) return false;
  if (!isDeepStrictEqual(base.scripts.map(scriptKey), next.scripts.map(scriptKey))) return false;
  if (inputParameters === undefined) return true;
  try {
    const id = base.playbook_id;
    return isDeepStrictEqual(plain(openParameters(base.parameters, key, id)), plain(openParameters(inputParameters, key, id)));
  } catch {
    return false;
  }
}

function scriptKey(s: ScriptEntry): [string, string, number, boolean] {
  return [s.path, s.sha256, s.size, s.sensitive === true];
}

/** Drops properties set to undefined (an input's `required: undefined` equals an absent one on disk). */
function plain(parameters: readonly ParameterSpec[]): unknown {
  return JSON.parse(JSON.stringify(parameters)) as unknown;
}
