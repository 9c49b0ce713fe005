import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { METADATA_FILE, versionDirName } from '../../core/playbook-store/layout';
import { AREAS, type Area } from '../../core/playbook-store/metadata';
import { listIds, listVersions } from '../../core/playbook-store/store-folders';
import type { PlaybookSummary } from '../../core/playbook-store/types';
import { locateMetadata } from '../codelens/metadata-location';
import { DisposableOwner } from '../util/disposable';
import { Emitter, type Event } from '../util/event';
import { type MetadataProblem, type MetadataValidators, metadataProblems, problemSummary } from './metadata-problems';

/** A playbook folder the store's listing left out because no version of it has valid metadata. */
export interface InvalidPlaybook {
  area: Area;
  playbookId: string;
  /** The newest version folder, whose metadata.json the row opens. */
  version: string;
  file: string;
  /** False when the version folder has no metadata.json at all (nothing to open). */
  fileExists: boolean;
  reason: string;
  problems: readonly MetadataProblem[];
}

/** Bounds on one scan, so a folder full of junk costs a bounded amount of work. */
const MAX_IDS = 200;
const MAX_VERSIONS = 20;

/**
 * What is wrong with the metadata.json files the store refuses to read, kept out of the store:
 *  - per file, the problems (for the DiagnosticCollection), from `check()` — called with the
 *    files the playbooks-folder watcher saw change and with documents opened or saved;
 *  - per playbook, an error row for the tree, from `afterListing()` — called with each fresh
 *    listing: one readdir per area finds the id folders the listing does not have, and only
 *    those get their version folders read and validated (normally none, so this is 3 readdirs).
 * Files come and go by hand, so every pass also rechecks the files already reported: a fixed or
 * deleted file drops out. Never throws: a read error is logged and that file is left as it was.
 */
export class InvalidMetadataRegistry extends DisposableOwner {
  private readonly files = new Map<string, readonly MetadataProblem[]>();
  private readonly playbooks = new Map<string, InvalidPlaybook>();
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private generation = 0;

  constructor(
    private readonly playbooksDir: () => string,
    private readonly validators: () => MetadataValidators,
    private readonly log: (message: string) => void = () => {},
  ) {
    super();
  }

  /** Forgets everything (the playbooks folder setting changed). */
  clear(): void {
    this.generation++;
    this.files.clear();
    this.playbooks.clear();
    this._onDidChange.fire();
  }

  /** Problems per metadata.json path (only files that have some). */
  problemsByFile(): ReadonlyMap<string, readonly MetadataProblem[]> {
    return this.files;
  }

  /** Error rows for an area, by id. */
  invalidIn(area: Area): InvalidPlaybook[] {
    return [...this.playbooks.values()].filter((p) => p.area === area).sort((a, b) => (a.playbookId < b.playbookId ? -1 : 1));
  }

  /** Rechecks these files (metadata.json inside the playbooks folder; anything else is ignored). */
  async check(files: Iterable<string>): Promise<void> {
    let changed = false;
    for (const file of files) changed = (await this.checkFile(file)) || changed;
    if (changed) this._onDidChange.fire();
  }

  /**
   * Finds the playbooks a listing left out and why. Runs after the listing (the tree never waits
   * for it); a newer listing makes an older scan's result moot, so only the latest one applies.
   */
  async afterListing(listed: readonly PlaybookSummary[]): Promise<void> {
    const gen = ++this.generation;
    const dir = this.playbooksDir();
    const known = new Set(listed.map((p) => `${p.area}/${p.playbook_id}`));
    const found = new Map<string, InvalidPlaybook>();
    const checked = new Map<string, readonly MetadataProblem[] | undefined>();
    try {
      let budget = MAX_IDS;
      for (const area of AREAS) {
        for (const id of await listIds(path.join(dir, area))) {
          if (known.has(`${area}/${id}`) || budget-- <= 0) continue;
          const row = await this.scanPlaybook(dir, area, id, checked);
          if (row) found.set(`${area}/${id}`, row);
        }
      }
      for (const file of this.files.keys()) if (!checked.has(file)) checked.set(file, await this.problemsOf(file));
    } catch (e) {
      this.log(`could not look for invalid metadata: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (gen !== this.generation || this.isDisposed) return;
    let changed = false;
    for (const [file, problems] of checked) changed = this.record(file, problems) || changed;
    if (!sameRows(this.playbooks, found)) {
      this.playbooks.clear();
      for (const [k, v] of found) this.playbooks.set(k, v);
      changed = true;
    }
    if (changed) this._onDidChange.fire();
  }

  /**
   * Version folders of a listed playbook that its listing left out (invalid metadata.json),
   * newest first: one readdir, asked when the user expands the playbook. Their diagnostics are
   * published as a side effect.
   */
  async skippedVersions(area: Area, playbookId: string, listed: readonly string[]): Promise<InvalidPlaybook[]> {
    const dir = this.playbooksDir();
    const known = new Set(listed);
    const out: InvalidPlaybook[] = [];
    let changed = false;
    const folder = path.join(dir, area, playbookId) + path.sep;
    const seen = new Set<string>();
    try {
      const versions = newestFirst((await listVersions(path.join(dir, area, playbookId))).filter((v) => !known.has(v)));
      for (const version of versions) {
        const file = metadataFile(dir, area, playbookId, version);
        const problems = await this.problemsOf(file);
        seen.add(file);
        changed = this.record(file, problems) || changed;
        // Valid now: the listing predates a fix; the next refresh lists it.
        if (problems !== undefined && problems.length === 0) continue;
        out.push({ area, playbookId, version, file, fileExists: problems !== undefined, reason: problems ? problemSummary(problems) : 'metadata.json is missing', problems: problems ?? [] });
      }
      // Files reported earlier for this playbook that are gone, fixed or listed now.
      for (const file of [...this.files.keys()]) {
        if (file.startsWith(folder) && !seen.has(file)) changed = this.record(file, await this.problemsOf(file)) || changed;
      }
    } catch (e) {
      this.log(`could not look for invalid versions of ${playbookId}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (changed) this._onDidChange.fire();
    return out;
  }

  /** The newest version's problems become the row; every invalid version gets its diagnostics. */
  private async scanPlaybook(dir: string, area: Area, id: string, checked: Map<string, readonly MetadataProblem[] | undefined>): Promise<InvalidPlaybook | undefined> {
    let row: InvalidPlaybook | undefined;
    for (const version of newestFirst(await listVersions(path.join(dir, area, id)))) {
      const file = metadataFile(dir, area, id, version);
      const problems = await this.problemsOf(file);
      checked.set(file, problems);
      // A version the store could read means the listing simply predates it: no row.
      if (problems !== undefined && problems.length === 0) return undefined;
      row ??= { area, playbookId: id, version, file, fileExists: problems !== undefined, reason: problems ? problemSummary(problems) : 'metadata.json is missing', problems: problems ?? [] };
    }
    return row;
  }

  private async checkFile(file: string): Promise<boolean> {
    if (!locateMetadata(file, this.playbooksDir())) return false;
    return this.record(file, await this.problemsOf(file));
  }

  /** undefined: no such file. */
  private async problemsOf(file: string): Promise<readonly MetadataProblem[] | undefined> {
    const loc = locateMetadata(file, this.playbooksDir());
    if (!loc) return [];
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.log(`could not read ${file}: ${(e as Error).message}`);
      return undefined;
    }
    try {
      return metadataProblems(text, loc, this.validators());
    } catch (e) {
      // The validator itself failed (core bundle missing?): say so once per file, never crash.
      this.log(`could not validate ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  /** True when what is recorded for the file changed. */
  private record(file: string, problems: readonly MetadataProblem[] | undefined): boolean {
    const before = this.files.get(file);
    if (!problems || problems.length === 0) return this.files.delete(file);
    if (before && JSON.stringify(before) === JSON.stringify(problems)) return false;
    this.files.set(file, problems);
    return true;
  }
}

/** The newest MAX_VERSIONS of an ascending version list, newest first. */
function newestFirst(ascending: readonly string[]): string[] {
  return ascending.slice(-MAX_VERSIONS).reverse();
}

function metadataFile(dir: string, area: Area, id: string, version: string): string {
  return path.join(dir, area, id, versionDirName(version), METADATA_FILE);
}

function sameRows(a: ReadonlyMap<string, InvalidPlaybook>, b: ReadonlyMap<string, InvalidPlaybook>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.file !== v.file || w.reason !== v.reason) return false;
  }
  return true;
}
