import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { DataKeyProvider } from '../shared/crypto';
import { EscherError, NotFoundError, ValidationError } from '../shared/errors';
import { type Logger, silentLogger } from '../shared/logger';
import { assertRealpathInside } from '../shared/contained-fs';
import { validatePlaybookId } from '../shared/safe-path';
import type { SecretStore } from '../shared/secrets';
import type { PlaybookSpec } from './bundle';
import { type CreateDeps, type CreateOptions, type CreateResult, createPlaybooks } from './bulk-create';
import { type CatalogRow, type CatalogStats, PlaybookCatalog } from './catalog';
import { enforceContract } from './contract-hook';
import { runDoctor } from './doctor';
import { exportSpec } from './export';
import { StoreLayout, type StorePath, parseStorePath, versionDirName } from './layout';
import { AREAS, type Area, type ParameterSpec, type PlaybookMetadata } from './metadata';
import { validateVersion } from './names';
import { loadMetadata } from './scan';
import { findAreas, listVersions } from './store-folders';
import { carryScripts, readVerifiedScript } from './script-files';
import { decryptParameters, decryptScript, hasEncryptedDefaults, hasSealed, needsKey, openParameters, resealParameters, sealParameters } from './sensitive';
import { type LockOptions, StoreLocks } from './store-lock';
import type {
  CreatePlaybookInput,
  Disposable,
  DoctorReport,
  ModifiedFile,
  Playbook,
  PlaybookStoreApi,
  PlaybookSummary,
  SkippedVersion,
  StoreChange,
  UpdatePlaybookInput,
  UpdateResult,
} from './types';
import { isUnchanged } from './unchanged';
import { versionTimestamps } from './timestamps';
import { findModifiedFiles } from './version-integrity';
import { movePlaybookDir, removeVersion } from './version-remove';
import { type RestoredFile, rewriteVersionFiles } from './version-repair';
import { assertValidDraft } from './validate';
import { publishDir, writeVersionTree } from './version-writer';

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
   * Bulk create (import, and `create` with a choice for a name in use): each input created
   * atomically on its own, results in input order saying what became of each (bulk-create.ts,
   * on-existing.ts).
   */
  createPlaybooks(inputs: readonly CreatePlaybookInput[], onProgress?: (done: number) => void, options: CreateOptions = {}): Promise<CreateResult[]> {
    const deps: CreateDeps = {
      layout: this.layout,
      locks: this.locks,
      keys: this.keys,
      clock: this.clock,
      findAreas: (id) => findAreas(this.layout, id),
      ensureAreas: () => this.ensureAreas(),
      emit: (c) => this.emit(c),
      latest: (id) => this.getPlaybook(id),
      update: (id, u) => this.updatePlaybook(id, u),
      warn: (m) => this.logger.warn(m),
    };
    return createPlaybooks(deps, inputs, onProgress, options);
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
        ...(versions.length ? { hint: `available: ${versions.join(', ')}` } : { hintCode: 'store-needs-check' as const }),
      });
    }
    const versionDir = path.join(dir, versionDirName(v));
    await assertRealpathInside(dir, versionDir, 'Version folder');
    const { metadata } = await loadMetadata(versionDir, { playbookId: id, version: v });
    return { area, dir: versionDir, metadata };
  }

  /** All version folders of `id`, ascending (readable or not: listPlaybooks' `versions` holds the readable ones). */
  async listVersions(id: string): Promise<string[]> {
    validatePlaybookId(id);
    return listVersions(this.layout.playbookDir(await this.locate(id), id));
  }

  listSkipped(): Promise<SkippedVersion[]> {
    return this.catalog.skipped();
  }

  parseStorePath(file: string): StorePath | undefined {
    return parseStorePath(this.playbooksDir, file);
  }

  /** A new version with input's changes; with none (unchanged.ts), nothing is written and the latest comes back `unchanged`. */
  async updatePlaybook(id: string, input: UpdatePlaybookInput): Promise<UpdateResult> {
    validatePlaybookId(id);
    const playbook = await this.locks.with(`id-${id}`, async (assertHeld) => {
      const area = await this.locate(id);
      const dir = this.layout.playbookDir(area, id);
      const versions = await listVersions(dir);
      const latest = versions[versions.length - 1];
      if (latest === undefined) throw new NotFoundError(`Playbook "${id}" has no versions`, { hintCode: 'store-needs-check' });
      const base = await this.getPlaybook(id, input.fromVersion ?? latest);
      const next = nextVersion(latest, input);
      // With the key at hand, carried sensitive values are re-sealed (upgrading older envelopes).
      const key = needsKey(input.parameters, input.scripts) ? await this.keys.get({ create: true }) : hasSealed(base.metadata) ? await this.keys.peek() : undefined;
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
        parameters: input.parameters ? sealParameters(openParameters(input.parameters, key, id), key, id) : key ? resealParameters(m.parameters, key, id).parameters : m.parameters,
        scripts: entries,
        ...versionTimestamps(input.timestamps, { created_at: m.created_at, updated_at: new Date(this.clock.now()).toISOString() }),
      };
      assertValidDraft(metadata);
      if (!input.writeUnchanged && m.version === latest && isUnchanged(m, metadata, input.parameters, key)) return { ...base, unchanged: true };
      const plaintext = async (i: number) => (entries[i]!.sensitive ? decryptScript(await this.keys.get({ create: false }), id, entries[i]!.path, Buffer.from(files[i]!.bytes)).plain : files[i]!.bytes);
      if (input.enforceContract) for (const w of await enforceContract(plaintext, entries, input.parameters ?? m.parameters, `${id} v${next}`)) this.logger.warn(w);
      await publishDir(dir, versionDirName(next), (tmp) => writeVersionTree(tmp, metadata, files), assertHeld);
      return { area, dir: path.join(dir, versionDirName(next)), metadata, unchanged: false };
    });
    if (!playbook.unchanged) this.emit({ kind: 'updated', playbookId: id, version: playbook.metadata.version, area: playbook.area });
    return playbook;
  }

  async deletePlaybook(id: string, version?: string): Promise<void> {
    validatePlaybookId(id);
    if (version !== undefined) validateVersion(version);
    const area = await this.locks.with(`id-${id}`, async (assertHeld) => {
      const area = await this.locate(id);
      await removeVersion(this.layout.playbookDir(area, id), id, version, assertHeld, this.logger);
      return area;
    });
    this.emit(version === undefined ? { kind: 'deleted', playbookId: id, area } : { kind: 'deleted', playbookId: id, version, area });
  }

  async listPlaybooks(filter: { area?: Area } = {}): Promise<PlaybookSummary[]> {
    const all = await this.catalog.list();
    return filter.area ? all.filter((s) => s.area === filter.area) : all;
  }

  /** listPlaybooks() with each summary as its JSON text, straight from the catalog (`list --json` prints 10k without re-serialising). */
  async listPlaybooksJson(filter: { area?: Area } = {}): Promise<CatalogRow[]> {
    const all = await this.catalog.listJson();
    return filter.area ? all.filter((s) => s.area === filter.area) : all;
  }

  /** How the last listPlaybooks() used the catalog (tests and benchmarks). */
  catalogStats(): CatalogStats {
    return { ...this.catalog.lastStats };
  }

  readScript(playbook: Playbook, scriptPath: string): Promise<Buffer> {
    return readVerifiedScript(playbook, scriptPath, () => this.keys.get({ create: false }));
  }

  /**
   * Puts damaged files of a stored version back (version-repair.ts: each verified against its
   * metadata.json, sensitive ones sealed again, written atomically over whatever is there).
   */
  async restoreFiles(id: string, version: string, files: readonly RestoredFile[]): Promise<Playbook> {
    const playbook = await this.locks.with(`id-${id}`, async (assertHeld) => {
      const pb = await this.getPlaybook(id, version);
      const key = files.some((f) => pb.metadata.scripts.find((s) => s.path === f.path)?.sensitive) ? await this.keys.get({ create: false }) : undefined;
      await rewriteVersionFiles(pb, files, key, assertHeld);
      return pb;
    });
    this.emit({ kind: 'updated', playbookId: id, version, area: playbook.area });
    return playbook;
  }

  /** Files of this version that no longer match its metadata.json (version-integrity.ts). */
  async findModifiedFiles(playbook: Playbook): Promise<ModifiedFile[]> {
    return findModifiedFiles(playbook, playbook.metadata.scripts.some((s) => s.sensitive) ? await this.keys.peek() : undefined);
  }

  /** Parameters with sensitive defaults decrypted (needs the data key only when something is encrypted). */
  async revealParameters(playbook: Playbook): Promise<ParameterSpec[]> {
    const params = playbook.metadata.parameters;
    if (!hasEncryptedDefaults(params)) return params.map((p) => ({ ...p }));
    return decryptParameters(params, await this.keys.get({ create: false }), playbook.metadata.playbook_id);
  }

  /** One version as a bundle spec (export.ts): every script verified on the way out, sensitive ones re-sealed. */
  exportSpec(playbook: Playbook): Promise<PlaybookSpec> {
    return exportSpec(playbook, (p, s) => this.readScript(p, s), this.keys);
  }

  async movePlaybook(id: string, to: Area): Promise<Playbook> {
    validatePlaybookId(id);
    if (!AREAS.includes(to)) throw new ValidationError(`Unknown area "${String(to)}"`, [], { hint: `use one of ${AREAS.join(', ')}` });
    const from = await this.locks.with('store', () =>
      this.locks.with(`id-${id}`, async (assertHeld) => {
        const from = await this.locate(id);
        if (from === to) return from;
        await this.ensureAreas();
        await movePlaybookDir(this.layout.areaDir(from), this.layout.areaDir(to), id, assertHeld);
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
    const found = await findAreas(this.layout, id);
    if (found.length === 0) throw new NotFoundError(`No playbook "${id}"`, { hintCode: 'playbook-unknown' });
    if (found.length > 1) {
      throw new EscherError('CONFLICT', `Playbook "${id}" exists in more than one area (${found.join(', ')})`, { hint: 'remove the stale copy', hintCode: 'store-needs-check' });
    }
    return found[0]!;
  }

  private async expectArea(id: string, area: Area, verb: string): Promise<void> {
    validatePlaybookId(id);
    const actual = await this.locate(id);
    if (actual !== area) throw new ValidationError(`Cannot ${verb} "${id}": it is in ${actual}, not ${area}`);
  }

  private async ensureAreas(): Promise<void> {
    for (const area of AREAS) await fs.mkdir(this.layout.areaDir(area), { recursive: true });
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
    if (!semver.gt(v, latest)) throw new ValidationError(`Version ${v} is not greater than the latest version ${latest}`, [], { hint: 'versions only go up', hintCode: 'version-not-greater' });
    return v;
  }
  const bump = input.bump ?? 'patch';
  if (bump !== 'patch' && bump !== 'minor' && bump !== 'major') throw new ValidationError(`Unknown bump "${String(bump)}"`, [], { hint: 'use patch, minor or major' });
  return semver.inc(latest, bump)!;
}
