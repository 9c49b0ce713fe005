import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { fsyncDir } from '../shared/atomic-fs';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { DataKeyProvider, encryptBytes } from '../shared/crypto';
import { AlreadyExistsError, EscherError, IntegrityError, NotFoundError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { mapLimit } from '../shared/map-limit';
import { type Logger, silentLogger } from '../shared/logger';
import { assertRealpathInside, resolveInside, validatePlaybookId } from '../shared/safe-path';
import type { SecretStore } from '../shared/secrets';
import type { PlaybookSpec, ScriptSpec } from './bundle';
import { type CatalogRow, type CatalogStats, PlaybookCatalog } from './catalog';
import { enforceContract } from './contract-hook';
import { carryScripts, encodeScripts, validateScriptPath } from './script-files';
import { runDoctor } from './doctor';
import { allocateId } from './ids';
import { StoreLayout } from './layout';
import { AREAS, type Area, type ParameterSpec, type PlaybookMetadata, versionDirName } from './metadata';
import { listVersions, loadMetadata } from './scan';
import { decryptParameters, decryptScript, encryptParameters, hasEncryptedDefaults, needsKey, scriptAad } from './sensitive';
import { type LockOptions, StoreLocks } from './store-lock';
import type {
  CreatePlaybookInput,
  Disposable,
  DoctorReport,
  Playbook,
  PlaybookStoreApi,
  PlaybookSummary,
  StoreChange,
  UpdatePlaybookInput,
} from './types';
import { assertValidMetadata, validateVersion } from './validate';
import { publishDir, renameNoReplace, trashName, type VersionFile, writeVersionTree } from './version-writer';

/** Creates per store-lock acquisition in createPlaybooks, and how many of them are written at once. */
const CREATE_CHUNK = 64;
const PUBLISH_CONCURRENCY = 8;

export type CreateResult = { ok: true; playbook: Playbook } | { ok: false; error: unknown };

interface PreparedCreate {
  draft: PlaybookMetadata;
  files: VersionFile[];
  area: Area;
  explicitId: string | undefined;
}

export interface PlaybookStoreOptions {
  playbooksDir: string;
  /** Holds `escher.dataKey` for sensitive values. */
  secrets: SecretStore;
  logger?: Logger;
  clock?: Clock;
  locks?: LockOptions;
}

/**
 * The playbook store (the seed's Playbook Manager) over the layout documented in layout.ts.
 *
 * Concurrency: writers take cross-process locks (store-lock.ts) — "store" to allocate ids and to
 * move playbooks between areas, "id-<id>" to add or delete versions. Readers take no lock: every
 * published folder is complete (version-writer.ts), so a reader sees the old or the new state.
 * Versions are immutable; an update always writes a new version folder.
 */
export class PlaybookStore implements PlaybookStoreApi {
  readonly playbooksDir: string;
  private readonly layout: StoreLayout;
  private readonly locks: StoreLocks;
  private readonly keys: DataKeyProvider;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly catalog: PlaybookCatalog;
  private readonly listeners = new Set<(change: StoreChange) => void>();

  constructor(options: PlaybookStoreOptions) {
    this.playbooksDir = path.resolve(options.playbooksDir);
    this.layout = new StoreLayout(this.playbooksDir);
    this.locks = new StoreLocks(this.layout.locksDir, options.locks);
    this.keys = new DataKeyProvider(options.secrets);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.catalog = new PlaybookCatalog(this.layout, this.logger);
  }

  async createPlaybook(input: CreatePlaybookInput): Promise<Playbook> {
    const [result] = await this.createPlaybooks([input]);
    if (!result!.ok) throw result!.error;
    return result!.playbook;
  }

  /**
   * Bulk create (import): each input is created atomically on its own — it appears whole or not
   * at all — and a failing input never affects the others. Inputs are validated and encrypted
   * outside any lock; then, per chunk, the store lock is taken once, ids are allocated, and the
   * chunk's playbooks are built and fsynced in parallel (one journal commit serves many files)
   * and renamed into place one by one. Results keep the input order.
   */
  async createPlaybooks(inputs: readonly CreatePlaybookInput[], onProgress?: (done: number) => void): Promise<CreateResult[]> {
    const results: CreateResult[] = new Array(inputs.length);
    for (let start = 0; start < inputs.length; start += CREATE_CHUNK) {
      const chunk: Array<{ index: number; prepared: PreparedCreate }> = [];
      for (let i = start; i < Math.min(inputs.length, start + CREATE_CHUNK); i++) {
        try {
          chunk.push({ index: i, prepared: await this.prepareCreate(inputs[i]!) });
        } catch (error) {
          results[i] = { ok: false, error };
        }
      }
      if (chunk.length) await this.commitChunk(chunk, results);
      onProgress?.(Math.min(inputs.length, start + CREATE_CHUNK));
    }
    return results;
  }

  /** One store-lock acquisition: allocate the chunk's ids, publish its playbooks, record each outcome. */
  private async commitChunk(chunk: ReadonlyArray<{ index: number; prepared: PreparedCreate }>, results: CreateResult[]): Promise<void> {
    await this.ensureAreas();
    try {
      await this.locks.with('store', async (assertHeld) => {
        const reserved = new Set<string>();
        const jobs: Array<{ index: number; prepared: PreparedCreate; id: string }> = [];
        for (const { index, prepared } of chunk) {
          try {
            jobs.push({ index, prepared, id: await this.allocate(prepared, reserved) });
          } catch (error) {
            results[index] = { ok: false, error };
          }
        }
        await mapLimit(jobs, PUBLISH_CONCURRENCY, async ({ index, prepared, id }) => {
          try {
            results[index] = { ok: true, playbook: await this.publishNew(prepared, id, assertHeld) };
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
      if (r?.ok) this.emit({ kind: 'created', playbookId: r.playbook.metadata.playbook_id, version: r.playbook.metadata.version, area: r.playbook.area });
    }
  }

  /** Everything about a create that needs no lock: validation, encryption, the script bytes. */
  private async prepareCreate(input: CreatePlaybookInput): Promise<PreparedCreate> {
    const now = new Date(this.clock.now()).toISOString();
    const version = validateVersion(input.version ?? '1.0.0');
    const source = input.source ?? 'user';
    const area: Area = input.area ?? (source === 'ai_generated' ? 'ai-generated' : 'local');
    if (!AREAS.includes(area)) throw new ValidationError(`Unknown area "${String(area)}"`, [], { hint: `use one of ${AREAS.join(', ')}` });
    if (input.playbook_id !== undefined) validatePlaybookId(input.playbook_id);
    const key = needsKey(input.parameters, input.scripts) ? await this.keys.get({ create: true }) : undefined;
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
      created_at: now,
      updated_at: now,
    };
    assertDraft(draft);
    if (input.enforceContract) this.warnAll(await enforceContract(files, entries, input.parameters ?? [], () => this.keys.get({ create: false }), `playbook "${draft.name.slice(0, 80)}"`));
    return { draft, files, area, explicitId: input.playbook_id };
  }

  /** Under the store lock: the explicit id if it is free, else the first free slug of the name. */
  private async allocate(p: PreparedCreate, reserved: Set<string>): Promise<string> {
    const taken = async (id: string) => reserved.has(id) || (await this.findAreas(id)).length > 0;
    let id: string;
    if (p.explicitId !== undefined) {
      id = p.explicitId;
      if (await taken(id)) {
        const where = (await this.findAreas(id)).join(', ') || 'this import';
        throw new AlreadyExistsError(`Playbook "${id}" already exists (in ${where})`, { hint: 'choose another id, or update the existing playbook' });
      }
    } else {
      id = await allocateId(p.draft.name, taken);
    }
    reserved.add(id);
    return id;
  }

  private async publishNew(p: PreparedCreate, id: string, assertHeld: () => void): Promise<Playbook> {
    const metadata: PlaybookMetadata = { ...p.draft, playbook_id: id };
    const vdir = versionDirName(metadata.version);
    await publishDir(
      this.layout.areaDir(p.area),
      id,
      async (tmp) => {
        await fs.mkdir(tmp);
        await writeVersionTree(path.join(tmp, vdir), metadata, p.files);
      },
      assertHeld,
    );
    return { area: p.area, dir: this.layout.versionDir(p.area, id, metadata.version), metadata };
  }

  async getPlaybook(id: string, version?: string): Promise<Playbook> {
    validatePlaybookId(id);
    if (version !== undefined) validateVersion(version);
    const area = await this.locate(id);
    const dir = this.layout.playbookDir(area, id);
    const versions = await listVersions(dir);
    const v = version ?? versions[versions.length - 1];
    if (v === undefined || !versions.includes(v)) {
      throw new NotFoundError(version ? `Playbook "${id}" has no version ${version}` : `Playbook "${id}" has no versions`, {
        hint: versions.length ? `available: ${versions.join(', ')}` : 'run `escher-playbook doctor`',
      });
    }
    const versionDir = path.join(dir, versionDirName(v));
    await assertRealpathInside(dir, versionDir, 'Version folder');
    const { metadata } = await loadMetadata(versionDir, { playbookId: id, version: v });
    return { area, dir: versionDir, metadata };
  }

  /** All versions of `id`, ascending. */
  async listVersions(id: string): Promise<string[]> {
    validatePlaybookId(id);
    return listVersions(this.layout.playbookDir(await this.locate(id), id));
  }

  async updatePlaybook(id: string, input: UpdatePlaybookInput): Promise<Playbook> {
    validatePlaybookId(id);
    const playbook = await this.locks.with(`id-${id}`, async (assertHeld) => {
      const area = await this.locate(id);
      const dir = this.layout.playbookDir(area, id);
      const versions = await listVersions(dir);
      const latest = versions[versions.length - 1];
      if (latest === undefined) throw new NotFoundError(`Playbook "${id}" has no versions`, { hint: 'run `escher-playbook doctor`' });
      const base = await this.getPlaybook(id, input.fromVersion ?? latest);
      const next = nextVersion(latest, input);
      const key = needsKey(input.parameters, input.scripts) ? await this.keys.get({ create: true }) : undefined;
      const { entries, files } = await carryScripts(base, input, key);
      const m = base.metadata;
      const metadata: PlaybookMetadata = {
        ...m,
        version: next,
        name: input.name ?? m.name,
        description: input.description ?? m.description,
        keywords: input.keywords ?? m.keywords,
        cloud_provider: input.cloud_provider ?? m.cloud_provider,
        resource_types: input.resource_types ?? m.resource_types,
        storage_strategy: input.storage_strategy ?? m.storage_strategy,
        parameters: input.parameters ? encryptParameters(input.parameters, key) : m.parameters,
        scripts: entries,
        updated_at: new Date(this.clock.now()).toISOString(),
      };
      assertDraft(metadata);
      if (input.enforceContract) this.warnAll(await enforceContract(files, entries, input.parameters ?? m.parameters, () => this.keys.get({ create: false }), `${id} v${next}`));
      await publishDir(dir, versionDirName(next), (tmp) => writeVersionTree(tmp, metadata, files), assertHeld);
      return { area, dir: path.join(dir, versionDirName(next)), metadata };
    });
    this.emit({ kind: 'updated', playbookId: id, version: playbook.metadata.version, area: playbook.area });
    return playbook;
  }

  async deletePlaybook(id: string, version?: string): Promise<void> {
    validatePlaybookId(id);
    if (version !== undefined) validateVersion(version);
    const area = await this.locks.with(`id-${id}`, async (assertHeld) => {
      const area = await this.locate(id);
      const dir = this.layout.playbookDir(area, id);
      const versions = await listVersions(dir);
      if (version !== undefined && !versions.includes(version)) {
        throw new NotFoundError(`Playbook "${id}" has no version ${version}`, { hint: `available: ${versions.join(', ') || 'none'}` });
      }
      // Deleting the last version deletes the playbook: an id folder with no versions is an orphan.
      const whole = version === undefined || versions.length === 1;
      const victim = whole ? dir : path.join(dir, versionDirName(version!));
      const parent = path.dirname(victim);
      const trash = path.join(parent, trashName(path.basename(victim)));
      assertHeld();
      await fs.rename(victim, trash);
      await fsyncDir(parent);
      // The delete has happened (the rename); failing to free the space is not the caller's error.
      await fs.rm(trash, { recursive: true, force: true }).catch((e: unknown) => this.logger.warn(`could not remove ${trash} (doctor --repair will): ${String(e)}`));
      return area;
    });
    this.emit(version === undefined ? { kind: 'deleted', playbookId: id, area } : { kind: 'deleted', playbookId: id, version, area });
  }

  async listPlaybooks(filter: { area?: Area } = {}): Promise<PlaybookSummary[]> {
    const all = await this.catalog.list();
    return filter.area ? all.filter((s) => s.area === filter.area) : all;
  }

  /**
   * listPlaybooks() with each summary as its JSON text, straight from the catalog: for printing
   * 10k summaries without parsing and re-serialising them (`list --json`).
   */
  async listPlaybooksJson(filter: { area?: Area } = {}): Promise<CatalogRow[]> {
    const all = await this.catalog.listJson();
    return filter.area ? all.filter((s) => s.area === filter.area) : all;
  }

  /** How the last listPlaybooks() used the catalog (tests and benchmarks). */
  catalogStats(): CatalogStats {
    return { ...this.catalog.lastStats };
  }

  async readScript(playbook: Playbook, scriptPath: string): Promise<Buffer> {
    validateScriptPath(scriptPath);
    const entry = playbook.metadata.scripts.find((s) => s.path === scriptPath);
    if (!entry) {
      throw new NotFoundError(`Playbook "${playbook.metadata.playbook_id}" v${playbook.metadata.version} has no script "${scriptPath}"`, {
        hint: `scripts: ${playbook.metadata.scripts.map((s) => s.path).join(', ') || 'none'}`,
      });
    }
    const full = resolveInside(playbook.dir, scriptPath, 'Script path');
    await assertRealpathInside(playbook.dir, full, 'Script path');
    const onDisk = await fs.readFile(full);
    const plain = entry.sensitive ? decryptScript(await this.keys.get({ create: false }), entry.path, onDisk) : onDisk;
    if (plain.length !== entry.size || sha256(plain) !== entry.sha256) {
      throw new IntegrityError(`Script ${full} does not match the sha256/size recorded in metadata.json`, {
        hint: 'the file was changed or damaged; restore it or run `escher-playbook doctor`',
      });
    }
    return plain;
  }

  /** Parameters with sensitive defaults decrypted (needs the data key only when something is encrypted). */
  async revealParameters(playbook: Playbook): Promise<ParameterSpec[]> {
    const params = playbook.metadata.parameters;
    if (!hasEncryptedDefaults(params)) return params.map((p) => ({ ...p }));
    return decryptParameters(params, await this.keys.get({ create: false }));
  }

  /**
   * One version as a bundle spec (bundle.ts): scripts as text (base64 when not UTF-8), every
   * script verified on the way out; sensitive scripts re-sealed under the data key.
   */
  async exportSpec(playbook: Playbook): Promise<PlaybookSpec> {
    const m = playbook.metadata;
    const scripts: Record<string, ScriptSpec> = {};
    for (const entry of m.scripts) {
      const plain = await this.readScript(playbook, entry.path);
      if (entry.sensitive) scripts[entry.path] = { sensitive: true, encrypted: encryptBytes(await this.keys.get({ create: false }), plain, scriptAad(entry.path)) };
      else {
        const text = plain.toString('utf8');
        scripts[entry.path] = Buffer.from(text, 'utf8').equals(plain) ? text : { base64: plain.toString('base64') };
      }
    }
    return {
      playbook_id: m.playbook_id,
      version: m.version,
      name: m.name,
      description: m.description,
      keywords: m.keywords,
      cloud_provider: m.cloud_provider,
      resource_types: m.resource_types,
      storage_strategy: m.storage_strategy,
      source: m.source,
      parameters: m.parameters.map((p) => ({ ...p })),
      scripts,
    };
  }

  async movePlaybook(id: string, to: Area): Promise<Playbook> {
    validatePlaybookId(id);
    if (!AREAS.includes(to)) throw new ValidationError(`Unknown area "${String(to)}"`, [], { hint: `use one of ${AREAS.join(', ')}` });
    const from = await this.locks.with('store', () =>
      this.locks.with(`id-${id}`, async (assertHeld) => {
        const from = await this.locate(id);
        if (from === to) return from;
        await this.ensureAreas();
        // One rename(2) between sibling folders of the same tree: atomic, so a crash leaves the
        // playbook wholly in `from` or wholly in `to`, never in both or neither.
        assertHeld();
        await renameNoReplace(this.layout.playbookDir(from, id), this.layout.playbookDir(to, id));
        await fsyncDir(this.layout.areaDir(to));
        await fsyncDir(this.layout.areaDir(from));
        return from;
      }),
    );
    if (from !== to) this.emit({ kind: 'moved', playbookId: id, from, to });
    return this.getPlaybook(id);
  }

  /** ai-generated -> local. */
  async acceptPlaybook(id: string): Promise<Playbook> {
    await this.expectArea(id, 'ai-generated', 'accept');
    return this.movePlaybook(id, 'local');
  }

  /** Deletes an ai-generated playbook (refuses any other). */
  async discardPlaybook(id: string): Promise<void> {
    await this.expectArea(id, 'ai-generated', 'discard');
    await this.deletePlaybook(id);
  }

  onDidChange(listener: (change: StoreChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  doctor(options: { repair?: boolean } = {}): Promise<DoctorReport> {
    return runDoctor({ layout: this.layout, locks: this.locks, keys: this.keys, catalog: this.catalog, logger: this.logger }, options);
  }

  /** The area holding `id`; NotFoundError if none. */
  async locate(id: string): Promise<Area> {
    const found = await this.findAreas(id);
    if (found.length === 0) throw new NotFoundError(`No playbook "${id}"`, { hint: 'see `escher-playbook list`' });
    if (found.length > 1) {
      throw new EscherError('CONFLICT', `Playbook "${id}" exists in more than one area (${found.join(', ')})`, { hint: 'run `escher-playbook doctor` and remove the stale copy' });
    }
    return found[0]!;
  }

  private async findAreas(id: string): Promise<Area[]> {
    const found: Area[] = [];
    for (const area of AREAS) {
      try {
        const st = await fs.lstat(this.layout.playbookDir(area, id));
        if (st.isSymbolicLink()) throw new ValidationError(`Playbook folder ${this.layout.playbookDir(area, id)} is a symlink`, [], { hint: 'the store does not follow symlinks; run `escher-playbook doctor`' });
        if (st.isDirectory()) found.push(area);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return found;
  }

  private async expectArea(id: string, area: Area, verb: string): Promise<void> {
    validatePlaybookId(id);
    const actual = await this.locate(id);
    if (actual !== area) throw new ValidationError(`Cannot ${verb} "${id}": it is in ${actual}, not ${area}`);
  }

  private async ensureAreas(): Promise<void> {
    for (const area of AREAS) await fs.mkdir(this.layout.areaDir(area), { recursive: true });
  }

  private warnAll(warnings: readonly string[]): void {
    for (const w of warnings) this.logger.warn(w);
  }

  private emit(change: StoreChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (e) {
        this.logger.warn(`store change listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}

function nextVersion(latest: string, input: UpdatePlaybookInput): string {
  if (input.version !== undefined) {
    const v = validateVersion(input.version);
    if (!semver.gt(v, latest)) throw new ValidationError(`Version ${v} is not greater than the latest version ${latest}`, [], { hint: 'versions only go up; omit --version to bump automatically' });
    return v;
  }
  const bump = input.bump ?? 'patch';
  if (bump !== 'patch' && bump !== 'minor' && bump !== 'major') throw new ValidationError(`Unknown bump "${String(bump)}"`, [], { hint: 'use patch, minor or major' });
  return semver.inc(latest, bump)!;
}

/** Full validation of a metadata document before anything touches the disk. */
function assertDraft(m: PlaybookMetadata): void {
  assertValidMetadata(m, `playbook "${m.name.slice(0, 80)}"`);
}
