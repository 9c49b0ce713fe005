import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../shared/clock';
import type { DataKeyProvider } from '../shared/crypto';
import { isEncryptedValue } from '../shared/crypto';
import { AlreadyExistsError, CryptoError, ValidationError } from '../shared/errors';
import { mapLimit } from '../shared/map-limit';
import { validatePlaybookId } from '../shared/safe-path';
import { enforceContract } from './contract-hook';
import { type StoreLayout, versionDirName } from './layout';
import { AREAS, type Area, type PlaybookMetadata } from './metadata';
import { validateVersion } from './names';
import { encodeScripts, sealFiles } from './script-files';
import { needsKey, openParameters, sealParameters } from './sensitive';
import type { StoreLocks } from './store-lock';
import { type Match, type OnExisting, asNextVersion, findExisting, sameContent } from './on-existing';
import type { CreatePlaybookInput, Playbook, StoreChange, UpdatePlaybookInput } from './types';
import { assertValidDraft } from './validate';
import { publishDir, type VersionFile, writeVersionTree } from './version-writer';
import { versionTimestamps } from './timestamps';

/** Creates per store-lock acquisition, and how many of them are written at once. */
const CREATE_CHUNK = 64;
const PUBLISH_CONCURRENCY = 8;

/**
 * What became of one input: created (a new id), copied (a new id beside `existing`, which has this
 * name or id), new-version (of the existing playbook), skipped (the existing one is left as it is;
 * `identical`: its latest version already holds this content). `playbook` is what the id now
 * holds: the new playbook or version, or the existing latest.
 */
export type CreateResult =
  | { ok: true; outcome: 'created' | 'new-version'; playbook: Playbook }
  | { ok: true; outcome: 'copied'; playbook: Playbook; existing: string }
  | { ok: true; outcome: 'skipped'; playbook: Playbook; identical: boolean }
  | { ok: false; error: unknown };

export interface CreateOptions {
  /** What to do when the playbook is already there (on-existing.ts); default: an explicit id fails, a name gets a copy. */
  onExisting?: OnExisting;
}

/** What the pipeline needs from the store. */
export interface CreateDeps {
  layout: StoreLayout;
  locks: StoreLocks;
  keys: DataKeyProvider;
  clock: Clock;
  /** Areas holding `id` (none when it is free). */
  findAreas(id: string): Promise<Area[]>;
  ensureAreas(): Promise<void>;
  emit(change: StoreChange): void;
  /** The latest version of an existing playbook. */
  latest(id: string): Promise<Playbook>;
  /** A new version of an existing playbook (the store's update). */
  update(id: string, input: UpdatePlaybookInput): Promise<Playbook>;
  /** Warnings of the parameter contract (unused parameters), for the store's logger. */
  warn(message: string): void;
}

interface PreparedCreate {
  draft: PlaybookMetadata;
  /** The metadata and files for the allocated id (sensitive values are sealed for it: sensitive.ts). */
  seal(id: string): { metadata: PlaybookMetadata; files: VersionFile[] };
  area: Area;
  key: Buffer | undefined;
}

type Prepared = { prepared: PreparedCreate } | { error: unknown };

/** One input's settled decision inside a chunk. */
interface Job {
  index: number;
  prepared: PreparedCreate;
  id: string;
  existing?: string;
}

/**
 * Bulk create (import; a single create is a bulk of one): each input is created atomically on its
 * own — it appears whole or not at all — and a failing input never affects the others. Inputs are
 * validated and encrypted outside any lock; then, per chunk, the store lock is taken once, each
 * input is matched against what exists (on-existing.ts), ids are allocated, and the chunk's new
 * playbooks are built and fsynced in parallel (one journal commit serves many files) and renamed
 * into place one by one; new versions of existing playbooks follow, outside the store lock. An
 * input that names something this chunk is still writing (the same name twice in one file) is
 * decided in a later round, against what the first one wrote. Results keep the input order.
 */
export async function createPlaybooks(d: CreateDeps, inputs: readonly CreatePlaybookInput[], onProgress?: (done: number) => void, options: CreateOptions = {}): Promise<CreateResult[]> {
  const results: CreateResult[] = new Array(inputs.length);
  let todo = inputs.map((_, i) => i);
  let settled = 0;
  while (todo.length) {
    const later: number[] = [];
    for (let start = 0; start < todo.length; start += CREATE_CHUNK) {
      const chunk = todo.slice(start, start + CREATE_CHUNK);
      const prepared = new Map<number, Prepared>();
      for (const i of chunk) prepared.set(i, await prepareCreate(d, inputs[i]!).then((p) => ({ prepared: p }), (error: unknown) => ({ error })));
      const deferred = await commitChunk(d, inputs, prepared, results, options);
      later.push(...deferred);
      settled += chunk.length - deferred.length;
      onProgress?.(settled);
    }
    todo = later;
  }
  return results;
}

/**
 * One store-lock acquisition: match and allocate the chunk's inputs, publish its new playbooks,
 * then write the new versions it decided on. Returns the inputs to decide in the next round.
 */
async function commitChunk(d: CreateDeps, inputs: readonly CreatePlaybookInput[], prepared: ReadonlyMap<number, Prepared>, results: CreateResult[], options: CreateOptions): Promise<number[]> {
  await d.ensureAreas();
  const deferred: number[] = [];
  const updates: Array<{ index: number; id: string; update: UpdatePlaybookInput }> = [];
  try {
    await d.locks.with('store', async (assertHeld) => {
      const reserved = new Map<string, string>();
      const claimed = new Set<string>();
      const matchDeps = { reserved, claimed, taken: async (id: string) => (await d.findAreas(id)).length > 0, latestName: async (id: string) => (await d.latest(id)).metadata.name };
      const jobs: Job[] = [];
      for (const [index, p] of prepared) {
        try {
          const input = inputs[index]!;
          const match = await findExisting(matchDeps, input);
          if (match.kind === 'busy') {
            deferred.push(index);
            continue;
          }
          const decision = await decide(d, match, input, p, options.onExisting);
          if (decision.kind === 'result') results[index] = decision.result;
          else if (decision.kind === 'update') {
            claimed.add(decision.id);
            updates.push({ index, id: decision.id, update: decision.update });
          } else {
            reserved.set(decision.id, input.name.trim());
            jobs.push({ index, prepared: decision.prepared, id: decision.id, ...(decision.existing ? { existing: decision.existing } : {}) });
          }
        } catch (error) {
          results[index] = { ok: false, error };
        }
      }
      await mapLimit(jobs, PUBLISH_CONCURRENCY, async ({ index, prepared: pc, id, existing }) => {
        try {
          const playbook = await publishNew(d, pc, id, assertHeld);
          results[index] = existing ? { ok: true, outcome: 'copied', playbook, existing } : { ok: true, outcome: 'created', playbook };
        } catch (error) {
          results[index] = { ok: false, error };
        }
      });
    });
  } catch (error) {
    // The lock itself failed (busy, lost): every item not yet settled failed with it.
    for (const index of prepared.keys()) if (!deferred.includes(index)) results[index] ??= { ok: false, error };
    return [];
  }
  for (const index of prepared.keys()) {
    const r = results[index];
    if (r?.ok && (r.outcome === 'created' || r.outcome === 'copied')) d.emit({ kind: 'created', playbookId: r.playbook.metadata.playbook_id, version: r.playbook.metadata.version, area: r.playbook.area });
  }
  for (const { index, id, update } of updates) {
    results[index] = await d.update(id, update).then(
      (playbook): CreateResult => ({ ok: true, outcome: 'new-version', playbook }),
      (error: unknown): CreateResult => ({ ok: false, error }),
    );
  }
  return deferred;
}

type Decision = { kind: 'result'; result: CreateResult } | { kind: 'update'; id: string; update: UpdatePlaybookInput } | { kind: 'create'; id: string; prepared: PreparedCreate; existing?: string };

/** Under the store lock: what to do with one input, given what exists. */
async function decide(d: CreateDeps, match: Exclude<Match, { kind: 'busy' }>, input: CreatePlaybookInput, p: Prepared, onExisting: OnExisting | undefined): Promise<Decision> {
  if (match.kind === 'none') {
    if ('error' in p) throw p.error;
    return { kind: 'create', id: match.freeId, prepared: p.prepared };
  }
  const id = match.id;
  // The existence is what the user must hear first, before anything wrong with the input itself.
  if (onExisting === undefined && input.playbook_id !== undefined) {
    const where = (await d.findAreas(id)).join(', ');
    throw new AlreadyExistsError(`Playbook "${id}" already exists (in ${where})`, { hint: 'choose another id, or update the existing playbook' });
  }
  if (onExisting === 'skip' || onExisting === 'new-version') {
    const latest = await d.latest(id);
    const identical = 'prepared' in p && sameContent(p.prepared.draft, input, latest.metadata, p.prepared.key ?? (await d.keys.get({ create: false }).catch(() => undefined)));
    if (onExisting === 'skip' || identical) return { kind: 'result', result: { ok: true, outcome: 'skipped', playbook: latest, identical } };
    if ('error' in p) throw p.error;
    return { kind: 'update', id, update: asNextVersion(p.prepared.draft, input, latest) };
  }
  if ('error' in p) throw p.error;
  return { kind: 'create', id: match.freeId, prepared: p.prepared, existing: id };
}

/** Everything about a create that needs no lock: validation, encryption, the script bytes. */
async function prepareCreate(d: CreateDeps, input: CreatePlaybookInput): Promise<PreparedCreate> {
  const now = new Date(d.clock.now()).toISOString();
  const version = validateVersion(input.version ?? '1.0.0');
  const source = input.source ?? 'user';
  const area: Area = input.area ?? (source === 'ai_generated' ? 'ai-generated' : 'local');
  if (!AREAS.includes(area)) throw new ValidationError(`Unknown area "${String(area)}"`, [], { hint: `use one of ${AREAS.join(', ')}` });
  if (input.playbook_id !== undefined) validatePlaybookId(input.playbook_id);
  const key = needsKey(input.parameters, input.scripts) ? await dataKeyFor(d, input) : undefined;
  const { entries, files } = encodeScripts(input.scripts ?? [], key);
  const parameters = openParameters(input.parameters ?? [], key, undefined);
  const draft: PlaybookMetadata = {
    schema_version: 1,
    playbook_id: input.playbook_id ?? 'pending',
    version,
    name: input.name,
    description: input.description,
    keywords: input.keywords ?? [],
    cloud_provider: input.cloud_provider ?? 'other',
    resource_types: input.resource_types ?? [],
    storage_strategy: input.storage_strategy ?? 'local_only',
    scripts: entries,
    parameters: [],
    source,
    ...(input.cloned_from ? { cloned_from: input.cloned_from } : {}),
    ...versionTimestamps(input.timestamps, { created_at: now, updated_at: now }),
  };
  const seal = (id: string) => ({ metadata: { ...draft, playbook_id: id, parameters: sealParameters(parameters, key, id) }, files: sealFiles(files, key, id) });
  assertValidDraft(seal(draft.playbook_id).metadata);
  if (input.enforceContract) for (const w of await enforceContract((i) => Promise.resolve(files[i]!.plain), entries, input.parameters ?? [], `playbook "${draft.name.slice(0, 80)}"`)) d.warn(w);
  return { draft, seal, area, key };
}

/**
 * The data key for an input's sensitive values. Values already sealed (an export bundle's) open
 * only with the key they were sealed with, so none is created for them: a fresh key could never
 * open them, and would only be left behind.
 */
async function dataKeyFor(d: CreateDeps, input: CreatePlaybookInput): Promise<Buffer> {
  const sealed = (input.scripts ?? []).some((s) => s.encrypted !== undefined) || (input.parameters ?? []).some((p) => p.sensitive && isEncryptedValue(p.default));
  if (!sealed) return d.keys.get({ create: true });
  try {
    return await d.keys.get({ create: false });
  } catch (e) {
    throw new CryptoError(`"${input.name}" holds sensitive values sealed with another home's data key, and this home has none`, {
      hint: 'use the data key of the home that exported it (its secrets.json, escher.dataKey), then import again',
      hintCode: 'data-key-missing',
      cause: e,
    });
  }
}

async function publishNew(d: CreateDeps, p: PreparedCreate, id: string, assertHeld: () => void): Promise<Playbook> {
  const { metadata, files } = p.seal(id);
  const vdir = versionDirName(metadata.version);
  await publishDir(
    d.layout.areaDir(p.area),
    id,
    async (tmp) => {
      await fs.mkdir(tmp);
      await writeVersionTree(path.join(tmp, vdir), metadata, files);
    },
    assertHeld,
  );
  return { area: p.area, dir: d.layout.versionDir(p.area, id, metadata.version), metadata };
}
