import * as semver from 'semver';
import { validatePlaybookId } from '../shared/safe-path';
import { decryptParameters, openParameters } from './sensitive';
import { idCandidates, slugify } from './ids';
import type { ParameterSpec, PlaybookMetadata } from './metadata';
import type { CreatePlaybookInput, Playbook, UpdatePlaybookInput } from './types';

/**
 * Creating what is already there — re-importing a file, `create` with a name in use — and what to
 * do about it (CLI `--on-existing`):
 *   skip         nothing is written; the result says whether the existing latest version already
 *                holds the same content (`identical`)
 *   new-version  the input becomes the existing playbook's next version (or is skipped when it is
 *                identical to the latest)
 *   copy         a separate playbook with a free id beside it (`<id>-2`, …)
 * Without a choice (the store API's default) an explicit id in use is an error and a name in use
 * gets a copy, as before; either way the result names what happened.
 *
 * "Already there": for an explicit id, that id; for an id derived from the name, a playbook among
 * the ids the name would get (`slug`, `slug-2`, … up to the first free one) whose latest version
 * has exactly this name. Another playbook whose name merely has the same slug is not it.
 */
export type OnExisting = 'skip' | 'new-version' | 'copy';

/** Where an input stands: nothing there, an existing playbook, or one this batch is writing right now (retry it after). */
export type Match = { kind: 'none'; freeId: string } | { kind: 'existing'; id: string; freeId: string } | { kind: 'busy' };

export interface MatchDeps {
  /** Ids taken in the store. */
  taken(id: string): Promise<boolean>;
  /** Name of the latest version of a taken id. */
  latestName(id: string): Promise<string>;
  /** Ids this batch is creating (with their names) or writing a version of. */
  reserved: ReadonlyMap<string, string>;
  claimed: ReadonlySet<string>;
}

export async function findExisting(d: MatchDeps, input: CreatePlaybookInput): Promise<Match> {
  const name = input.name.trim();
  const explicit = input.playbook_id;
  // A hostile id is refused here, before any candidate is built from it.
  if (explicit !== undefined) validatePlaybookId(explicit);
  let existing: string | undefined;
  for (const id of idCandidates(explicit ?? slugify(input.name))) {
    const mine = d.reserved.get(id);
    const inStore = mine === undefined && (await d.taken(id));
    if (mine === undefined && !inStore) return existing === undefined ? { kind: 'none', freeId: id } : { kind: 'existing', id: existing, freeId: id };
    if (existing !== undefined) continue;
    const same = explicit === id || (mine ?? (await d.latestName(id))) === name;
    if (same && (mine !== undefined || d.claimed.has(id))) return { kind: 'busy' };
    if (same) existing = id;
    else if (explicit !== undefined) return { kind: 'none', freeId: id };
  }
  throw new Error('unreachable: the candidates never end');
}

/** The fields of a version that make it what it is (not its version, dates or area). */
export function sameContent(draft: PlaybookMetadata, input: CreatePlaybookInput, latest: PlaybookMetadata, key: Buffer | undefined): boolean {
  const fields = (m: PlaybookMetadata) => [m.name, m.description, m.keywords, m.cloud_provider, m.resource_types];
  if (JSON.stringify(fields(draft)) !== JSON.stringify(fields(latest))) return false;
  if (input.storage_strategy !== undefined && input.storage_strategy !== latest.storage_strategy) return false;
  const scripts = (m: PlaybookMetadata) => JSON.stringify(m.scripts.map((s) => [s.path, s.sha256, s.size, s.sensitive === true]).sort());
  if (scripts(draft) !== scripts(latest)) return false;
  try {
    return canonical(openParameters(input.parameters ?? [], key, undefined)) === canonical(sealedOpen(latest, key));
  } catch {
    // A sensitive default that does not open with this home's key cannot be compared: not the same.
    return false;
  }
}

/** The latest version's parameters in plaintext (its sealed defaults opened as this playbook's). */
function sealedOpen(latest: PlaybookMetadata, key: Buffer | undefined): ParameterSpec[] {
  return latest.parameters.some((p) => p.sensitive && p.default !== undefined) ? decryptParameters(latest.parameters, requireKey(key), latest.playbook_id) : [...latest.parameters];
}

function canonical(plain: readonly ParameterSpec[]): string {
  return JSON.stringify(plain.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))));
}

function requireKey(key: Buffer | undefined): Buffer {
  if (!key) throw new Error('no data key');
  return key;
}

/** The input as the next version of `latest`: its fields and exactly its scripts; its own version when that is higher. */
export function asNextVersion(draft: PlaybookMetadata, input: CreatePlaybookInput, latest: Playbook): UpdatePlaybookInput {
  const keep = new Set((input.scripts ?? []).map((s) => s.path));
  return {
    name: draft.name,
    description: draft.description,
    keywords: draft.keywords,
    cloud_provider: draft.cloud_provider,
    resource_types: draft.resource_types,
    ...(input.storage_strategy !== undefined ? { storage_strategy: input.storage_strategy } : {}),
    parameters: input.parameters ?? [],
    scripts: input.scripts ?? [],
    removeScripts: latest.metadata.scripts.map((s) => s.path).filter((p) => !keep.has(p)),
    ...(input.version !== undefined && semver.valid(input.version) && semver.gt(input.version, latest.metadata.version) ? { version: input.version } : {}),
    ...(input.enforceContract ? { enforceContract: true } : {}),
  };
}
