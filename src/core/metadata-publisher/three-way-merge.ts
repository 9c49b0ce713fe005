import type { ParameterSpec, ScriptEntry } from '../playbook-store/metadata';
import { canonicalJson } from '../escher-api/content-hash';

/**
 * Field-by-field three-way merge of playbook metadata (the conflict policy in docs/sync.md).
 *
 * For each field: local == remote → nothing to do; unchanged locally since the base → take the
 * remote value; unchanged remotely → keep the local value; changed differently on both sides → a
 * collision (the caller keeps both copies instead of choosing). Scripts are compared as one unit
 * (the set of path → sha256): two different script edits are never stitched together, because a
 * playbook's scripts only make sense as a set.
 */
export const MERGE_FIELDS = ['name', 'description', 'keywords', 'resource_types', 'cloud_provider', 'parameters', 'storage_strategy', 'scripts'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

/** The comparable content of one version: what the merge looks at. */
export interface MergeView {
  name: string;
  description: string;
  keywords: string[];
  resource_types: string[];
  cloud_provider: string;
  /** Sensitive defaults stripped: they never leave the machine, so they are never compared. */
  parameters: ParameterSpec[];
  storage_strategy: string;
  /** Sorted by path; only what identifies the content (s3_path is where, not what). */
  scripts: Array<{ path: string; sha256: string }>;
}

export interface MergeableMetadata {
  name: string;
  description: string;
  keywords: string[];
  resource_types: string[];
  cloud_provider: string;
  parameters: ParameterSpec[];
  storage_strategy: string;
  scripts: ScriptEntry[];
}

export function toMergeView(m: MergeableMetadata): MergeView {
  return {
    name: m.name,
    description: m.description,
    keywords: [...m.keywords],
    resource_types: [...m.resource_types],
    cloud_provider: m.cloud_provider,
    parameters: m.parameters.map(stripSensitiveDefault),
    storage_strategy: m.storage_strategy,
    scripts: m.scripts.map((s) => ({ path: s.path, sha256: s.sha256 })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}

export function stripSensitiveDefault(p: ParameterSpec): ParameterSpec {
  if (!p.sensitive || !('default' in p)) return { ...p };
  const { default: _d, ...rest } = p;
  return rest;
}

export interface MergeResult {
  merged: MergeView;
  /** Fields whose value comes from the remote side (changed there only). */
  fromRemote: MergeField[];
  /** Fields whose value comes from the local side (changed here only). */
  fromLocal: MergeField[];
  /** Fields changed differently on both sides (or differing with no base to judge by). */
  collisions: MergeField[];
}

/** `base` is the last state both sides agreed on; without one every difference is a collision. */
export function threeWayMerge(base: MergeView | undefined, local: MergeView, remote: MergeView): MergeResult {
  const merged = { ...local } as Record<MergeField, unknown>;
  const fromRemote: MergeField[] = [];
  const fromLocal: MergeField[] = [];
  const collisions: MergeField[] = [];
  for (const f of MERGE_FIELDS) {
    const l = local[f];
    const r = remote[f];
    if (deepEqual(l, r)) continue;
    if (base && deepEqual(l, base[f])) {
      merged[f] = r;
      fromRemote.push(f);
    } else if (base && deepEqual(r, base[f])) {
      fromLocal.push(f);
    } else {
      collisions.push(f);
    }
  }
  return { merged: merged as unknown as MergeView, fromRemote, fromLocal, collisions };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
