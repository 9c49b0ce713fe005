import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../shared/clock';
import type { DataKeyProvider } from '../shared/crypto';
import { AlreadyExistsError, ValidationError } from '../shared/errors';
import { mapLimit } from '../shared/map-limit';
import { validatePlaybookId } from '../shared/safe-path';
import { enforceContract } from './contract-hook';
import { allocateId } from './ids';
import { type StoreLayout, versionDirName } from './layout';
import { AREAS, type Area, type PlaybookMetadata } from './metadata';
import { validateVersion } from './names';
import { encodeScripts } from './script-files';
import { encryptParameters, needsKey } from './sensitive';
import type { StoreLocks } from './store-lock';
import type { CreatePlaybookInput, Playbook, StoreChange } from './types';
import { assertValidDraft } from './validate';
import { publishDir, type VersionFile, writeVersionTree } from './version-writer';

/** Creates per store-lock acquisition, and how many of them are written at once. */
const CREATE_CHUNK = 64;
const PUBLISH_CONCURRENCY = 8;

export type CreateResult = { ok: true; playbook: Playbook } | { ok: false; error: unknown };

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
  /** Warnings of the parameter contract (unused parameters), for the store's logger. */
  warn(message: string): void;
}

interface PreparedCreate {
  draft: PlaybookMetadata;
  files: VersionFile[];
  area: Area;
  explicitId: string | undefined;
}

/**
 * Bulk create (import; a single create is a bulk of one): each input is created atomically on its
 * own — it appears whole or not at all — and a failing input never affects the others. Inputs are
 * validated and encrypted outside any lock; then, per chunk, the store lock is taken once, ids are
 * allocated, and the chunk's playbooks are built and fsynced in parallel (one journal commit
 * serves many files) and renamed into place one by one. Results keep the input order.
 */
export async function createPlaybooks(d: CreateDeps, inputs: readonly CreatePlaybookInput[], onProgress?: (done: number) => void): Promise<CreateResult[]> {
  const results: CreateResult[] = new Array(inputs.length);
  for (let start = 0; start < inputs.length; start += CREATE_CHUNK) {
    const chunk: Array<{ index: number; prepared: PreparedCreate }> = [];
    for (let i = start; i < Math.min(inputs.length, start + CREATE_CHUNK); i++) {
      try {
        chunk.push({ index: i, prepared: await prepareCreate(d, inputs[i]!) });
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
    if (chunk.length) await commitChunk(d, chunk, results);
    onProgress?.(Math.min(inputs.length, start + CREATE_CHUNK));
  }
  return results;
}

/** One store-lock acquisition: allocate the chunk's ids, publish its playbooks, record each outcome. */
async function commitChunk(d: CreateDeps, chunk: ReadonlyArray<{ index: number; prepared: PreparedCreate }>, results: CreateResult[]): Promise<void> {
  await d.ensureAreas();
  try {
    await d.locks.with('store', async (assertHeld) => {
      const reserved = new Set<string>();
      const jobs: Array<{ index: number; prepared: PreparedCreate; id: string }> = [];
      for (const { index, prepared } of chunk) {
        try {
          jobs.push({ index, prepared, id: await allocate(d, prepared, reserved) });
        } catch (error) {
          results[index] = { ok: false, error };
        }
      }
      await mapLimit(jobs, PUBLISH_CONCURRENCY, async ({ index, prepared, id }) => {
        try {
          results[index] = { ok: true, playbook: await publishNew(d, prepared, id, assertHeld) };
        } catch (error) {
          results[index] = { ok: false, error };
        }
      });
    });
  } catch (error) {
    // The lock itself failed (busy, lost): every item not yet settled failed with it.
    for (const { index } of chunk) results[index] ??= { ok: false, error };
  }
  for (const { index } of chunk) {
    const r = results[index];
    if (r?.ok) d.emit({ kind: 'created', playbookId: r.playbook.metadata.playbook_id, version: r.playbook.metadata.version, area: r.playbook.area });
  }
}

/** Everything about a create that needs no lock: validation, encryption, the script bytes. */
async function prepareCreate(d: CreateDeps, input: CreatePlaybookInput): Promise<PreparedCreate> {
  const now = new Date(d.clock.now()).toISOString();
  const version = validateVersion(input.version ?? '1.0.0');
  const source = input.source ?? 'user';
  const area: Area = input.area ?? (source === 'ai_generated' ? 'ai-generated' : 'local');
  if (!AREAS.includes(area)) throw new ValidationError(`Unknown area "${String(area)}"`, [], { hint: `use one of ${AREAS.join(', ')}` });
  if (input.playbook_id !== undefined) validatePlaybookId(input.playbook_id);
  const key = needsKey(input.parameters, input.scripts) ? await d.keys.get({ create: true }) : undefined;
  const { entries, files } = encodeScripts(input.scripts ?? [], key);
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
    parameters: encryptParameters(input.parameters ?? [], key),
    source,
    ...(input.cloned_from ? { cloned_from: input.cloned_from } : {}),
    created_at: now,
    updated_at: now,
  };
  assertValidDraft(draft);
  if (input.enforceContract) for (const w of await enforceContract(files, entries, input.parameters ?? [], () => d.keys.get({ create: false }), `playbook "${draft.name.slice(0, 80)}"`)) d.warn(w);
  return { draft, files, area, explicitId: input.playbook_id };
}

/** Under the store lock: the explicit id if it is free, else the first free slug of the name. */
async function allocate(d: CreateDeps, p: PreparedCreate, reserved: Set<string>): Promise<string> {
  const taken = async (id: string) => reserved.has(id) || (await d.findAreas(id)).length > 0;
  let id: string;
  if (p.explicitId !== undefined) {
    id = p.explicitId;
    if (await taken(id)) {
      const where = (await d.findAreas(id)).join(', ') || 'this import';
      throw new AlreadyExistsError(`Playbook "${id}" already exists (in ${where})`, { hint: 'choose another id, or update the existing playbook' });
    }
  } else {
    id = await allocateId(p.draft.name, taken);
  }
  reserved.add(id);
  return id;
}

async function publishNew(d: CreateDeps, p: PreparedCreate, id: string, assertHeld: () => void): Promise<Playbook> {
  const metadata: PlaybookMetadata = { ...p.draft, playbook_id: id };
  const vdir = versionDirName(metadata.version);
  await publishDir(
    d.layout.areaDir(p.area),
    id,
    async (tmp) => {
      await fs.mkdir(tmp);
      await writeVersionTree(path.join(tmp, vdir), metadata, p.files);
    },
    assertHeld,
  );
  return { area: p.area, dir: d.layout.versionDir(p.area, id, metadata.version), metadata };
}
