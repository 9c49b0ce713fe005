import { type Stats, lstatSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../shared/atomic-fs';
import { ValidationError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { mapLimit } from '../shared/map-limit';
import { METADATA_FILE, type StoreLayout, parseVersionDirName, versionDirName } from './layout';
import { AREAS, type Area } from './metadata';
import { loadMetadata, summarize } from './scan';
import { listIds, listVersions } from './store-folders';
import type { PlaybookSummary, SkippedVersion } from './types';

export const CATALOG_FORMAT = 'escher-catalog/v2';
const RACY_MS = 2000;
const SCAN_CONCURRENCY = 16;

type Stamp = [mtimeMs: number, size: number, ino: number];

interface AreaRecord {
  stamp: Stamp | null;
  t: number;
}

interface Entry {
  area: Area;
  id: string;
  /** Wall-clock time just before the stamps were taken. */
  t: number;
  dir: Stamp | null;
  watch: Array<[string, Stamp | null]>;
  /**
   * The summary, held in one form at a time so a long-lived process does not keep 10k summaries
   * twice: as JSON text when read from the file (a one-shot `list --json` prints it as is), as an
   * object once list() parsed it or a scan built it. Neither: no version was readable.
   */
  json: string | undefined;
  summary: PlaybookSummary | undefined;
}

type EntryTuple = [area: Area, id: string, t: number, dir: Stamp | null, watch: Entry['watch'], json: string | null];

interface CatalogData {
  areas: Partial<Record<Area, AreaRecord>>;
  entries: Entry[];
}

/** A listed playbook as the catalog holds it: `json` is its PlaybookSummary as JSON text. */
export interface CatalogRow {
  area: Area;
  id: string;
  json: string;
}

export interface CatalogStats {
  /** Entries rescanned by the last list() (0 when the catalog was fully fresh). */
  rescanned: number;
  /** Whether the last list() started from the on-disk or in-memory catalog. */
  source: 'memory' | 'file' | 'none';
}

/**
 * The listing cache, so `list` over 10k playbooks does not re-read and re-parse 10k files.
 *
 * `<playbooks>/.catalog.json` (written atomically, rewritten whenever a listing found something
 * changed; any process may write it, the last complete write wins):
 *
 *   { "format": "escher-catalog/v2",
 *     "areas":   { "<area>": { "stamp": Stamp|null, "t": ms } },
 *     "entries": [ [area, id, t, dirStamp, [[relPath, Stamp|null], …], summaryJson|null], … ] }
 *   Stamp = [mtimeMs, size, ino]
 *
 * Entries are tuples and each summary is kept as its JSON text (PlaybookSummary, serialised once
 * when the entry was scanned): a new process reading 10k entries then parses short strings
 * instead of building 10k objects, and `list --json` prints those strings as they are
 * (`listJson`); `list()` parses a summary on first use only.
 *
 * Nothing in it is trusted without a cheap check against the filesystem:
 *  - an area folder's stamp changes when an id folder is added, removed or moved: re-list ids;
 *  - an id folder's stamp changes when a version folder (or a temp folder) comes or goes;
 *  - `watch` holds the metadata.json files the summary was built from (the latest version, plus
 *    newer ones that were invalid), so a hand edit of metadata.json — in place or by rename —
 *    shows up too.
 * That is one lstat per id folder and per watched file (~3 µs each with the synchronous call;
 * the async one costs ~10x more in libuv round trips), against a read + JSON parse + schema
 * validation + sha256 per playbook for a rescan.
 *
 * Racy stamps (as in git's index): a file changed twice within the filesystem's timestamp
 * granularity can keep its mtime. A stamp recorded less than RACY_MS before the scan that
 * recorded it is therefore not trusted: that entry is rescanned until its stamps are old enough.
 */
export class PlaybookCatalog {
  private memory: CatalogData | undefined;
  lastStats: CatalogStats = { rescanned: 0, source: 'none' };

  private readonly areaDirs: Record<Area, string>;

  constructor(
    private readonly layout: StoreLayout,
    private readonly logger: Logger,
  ) {
    this.areaDirs = Object.fromEntries(AREAS.map((a) => [a, layout.areaDir(a)])) as Record<Area, string>;
  }

  /** Drops the in-memory copy (the next list() re-reads the file); used after doctor --repair. */
  invalidate(): void {
    this.memory = undefined;
  }

  async list(): Promise<PlaybookSummary[]> {
    const out: PlaybookSummary[] = [];
    for (const e of await this.freshEntries()) {
      if (e.json !== undefined) {
        e.summary = JSON.parse(e.json) as PlaybookSummary;
        e.json = undefined;
      }
      if (e.summary) out.push(e.summary);
    }
    return out;
  }

  /** The same listing with each summary as JSON text (printing it needs no parse nor stringify). */
  async listJson(): Promise<CatalogRow[]> {
    const out: CatalogRow[] = [];
    for (const e of await this.freshEntries()) {
      const json = textOf(e);
      if (json !== null) out.push({ area: e.area, id: e.id, json });
    }
    return out;
  }

  /**
   * The version folders the listing left out, newest first per playbook: every version of a
   * playbook none of whose versions is readable, and the versions newer than a playbook's listed
   * one. The catalog already watches exactly these files; their reasons are read again here
   * (normally there are none, so this costs what a listing costs).
   */
  async skipped(): Promise<SkippedVersion[]> {
    const out: SkippedVersion[] = [];
    for (const e of await this.freshEntries()) {
      const listed = e.json !== undefined || e.summary !== undefined;
      // The watch list runs newest first and ends with the version the summary came from.
      for (const [rel] of listed ? e.watch.slice(0, -1) : e.watch) {
        const version = parseVersionDirName(rel.split('/')[0] ?? '');
        if (version === undefined) continue;
        const dir = path.join(this.areaDirs[e.area], e.id);
        out.push({ area: e.area, playbookId: e.id, version, file: path.join(dir, rel), reason: await whyUnreadable(dir, e.id, version) });
      }
    }
    return out;
  }

  private async freshEntries(): Promise<Entry[]> {
    let source: CatalogStats['source'] = 'memory';
    let old = this.memory;
    if (!old) {
      old = await this.readFile();
      source = old ? 'file' : 'none';
    }
    // Previous entries by area, in catalog order (which is sorted, so an unchanged listing needs no sort).
    const previous = new Map<Area, Entry[]>(AREAS.map((a) => [a, []]));
    for (const e of old?.entries ?? []) previous.get(e.area)?.push(e);

    let changed = !old;
    const next: CatalogData = { areas: {}, entries: [] };
    const toScan: Array<{ area: Area; id: string }> = [];
    let checked = 0;
    const check = (area: Area, id: string, e: Entry | undefined): boolean => {
      if (e && this.fresh(e)) next.entries.push(e);
      else toScan.push({ area, id });
      // Yield now and then (caller awaits): thousands of synchronous stats should not block an editor's event loop.
      return ++checked % 1000 === 0;
    };
    const yieldNow = () => new Promise((r) => setImmediate(r));
    for (const area of AREAS) {
      const areaDir = this.areaDirs[area];
      const prev = old?.areas[area];
      const t = Date.now();
      const stamp = stampOf(areaDir);
      const entries = previous.get(area)!;
      if (prev && trusted(prev.stamp, stamp, prev.t)) {
        // No id folder came or went: the ids are the catalog's.
        next.areas[area] = prev;
        for (const e of entries) if (check(area, e.id, e)) await yieldNow();
      } else {
        changed = true;
        next.areas[area] = { stamp, t };
        const byId = new Map(entries.map((e) => [e.id, e]));
        for (const id of stamp ? await listIds(areaDir) : []) if (check(area, id, byId.get(id))) await yieldNow();
      }
    }
    if (toScan.length) {
      changed = true;
      const scanned = await mapLimit(toScan, SCAN_CONCURRENCY, ({ area, id }) => this.scanEntry(area, id));
      for (const e of scanned) if (e) next.entries.push(e);
    }
    if (changed) next.entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : AREAS.indexOf(a.area) - AREAS.indexOf(b.area)));
    this.lastStats = { rescanned: toScan.length, source };
    this.memory = next;
    if (changed) await this.writeFile(next);
    return next.entries;
  }

  private fresh(e: Entry): boolean {
    // An entry without a readable version is rescanned every time (rare, and it may get fixed by hand).
    if (e.json === undefined && e.summary === undefined) return false;
    // Plain concatenation, not path.join: this runs 20k times for 10k playbooks and join costs 10x more.
    // (`rel` uses "/", which every platform's file APIs accept.)
    const dir = this.areaDirs[e.area] + path.sep + e.id;
    if (!unchanged(e.dir, dir, e.t)) return false;
    for (const [rel, stamp] of e.watch) if (!unchanged(stamp, dir + path.sep + rel, e.t)) return false;
    return true;
  }

  /** Builds one entry from disk. Stamps are taken before reading, so a change racing the read is caught next time. */
  private async scanEntry(area: Area, id: string): Promise<Entry | undefined> {
    const dir = path.join(this.layout.areaDir(area), id);
    const t = Date.now();
    const dirStamp = stampOf(dir);
    if (!dirStamp) return undefined;
    const versions = await listVersions(dir);
    const watch: Entry['watch'] = [];
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i]!;
      const rel = `${versionDirName(v)}/${METADATA_FILE}`;
      watch.push([rel, stampOf(path.join(dir, rel))]);
      try {
        const loaded = await loadMetadata(path.join(dir, versionDirName(v)), { playbookId: id, version: v });
        return { area, id, t, dir: dirStamp, watch, json: undefined, summary: summarize(area, versions.slice(0, i + 1), loaded) };
      } catch (e) {
        this.logger.warn(`listing skips ${path.join(dir, rel)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { area, id, t, dir: dirStamp, watch, json: undefined, summary: undefined };
  }

  private async readFile(): Promise<CatalogData | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.layout.catalogFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn(`cannot read the catalog (${(e as Error).message}); rebuilding it`);
      return undefined;
    }
    try {
      const data = JSON.parse(text) as { format?: unknown; areas?: CatalogData['areas']; entries?: EntryTuple[] };
      if (data.format === CATALOG_FORMAT && Array.isArray(data.entries) && typeof data.areas === 'object' && data.areas !== null) {
        const entries: Entry[] = new Array<Entry>(data.entries.length);
        for (let i = 0; i < entries.length; i++) {
          const x = data.entries[i];
          // A foreign or hand-damaged entry makes the whole file untrusted (rebuilt below).
          if (!Array.isArray(x) || x.length !== 6 || typeof x[1] !== 'string' || !Array.isArray(x[4])) throw new Error('bad entry');
          const json = x[5];
          // Both fields always present: one object shape for every entry keeps fresh() monomorphic.
          entries[i] = { area: x[0], id: x[1], t: x[2], dir: x[3], watch: x[4], json: typeof json === 'string' ? json : undefined, summary: undefined };
        }
        return { areas: data.areas, entries };
      }
    } catch {
      // fall through: a damaged catalog is just rebuilt
    }
    // An older format (the previous release) is rebuilt silently; anything else is worth a word.
    if (!/"format":"escher-catalog\/v1"/.test(text.slice(0, 40))) this.logger.warn('the catalog is damaged; rebuilding it');
    return undefined;
  }

  private async writeFile(data: CatalogData): Promise<void> {
    // A listing never creates the store: with no playbooks folder there is nothing to cache.
    if (!Object.values(data.areas).some((a) => a?.stamp)) return;
    try {
      const entries = data.entries.map((e): EntryTuple => [e.area, e.id, e.t, e.dir, e.watch, textOf(e)]);
      await writeFileAtomic(this.layout.catalogFile, JSON.stringify({ format: CATALOG_FORMAT, areas: data.areas, entries }));
    } catch (e) {
      // The catalog is a cache: failing to save it costs speed, not correctness.
      this.logger.debug(`could not save the catalog: ${(e as Error).message}`);
    }
  }
}

/** Why the store cannot read a version's metadata.json now ("readable now" when a fix beat the listing). */
async function whyUnreadable(playbookDir: string, id: string, version: string): Promise<string> {
  try {
    await loadMetadata(path.join(playbookDir, versionDirName(version)), { playbookId: id, version });
    return 'readable now';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return `${METADATA_FILE} is missing`;
    return e instanceof ValidationError && e.issues.length ? e.issues[0]! : (e as Error).message;
  }
}

function stampOf(p: string): Stamp | null {
  const st: Stats | undefined = lstatSync(p, { throwIfNoEntry: false });
  return st ? [st.mtimeMs, st.size, st.ino] : null;
}

/** The summary as JSON text (serialised on demand when held as an object); null when unreadable. */
function textOf(e: Entry): string | null {
  return e.json ?? (e.summary ? JSON.stringify(e.summary) : null);
}

/** trusted(recorded, stampOf(p), t) without allocating a stamp (this runs 20k times per listing of 10k). */
function unchanged(recorded: Stamp | null, p: string, t: number): boolean {
  const st = lstatSync(p, { throwIfNoEntry: false });
  if (recorded === null || st === undefined) return recorded === null && st === undefined;
  return recorded[0] === st.mtimeMs && recorded[1] === st.size && recorded[2] === st.ino && recorded[0] < t - RACY_MS;
}

/** Same stamp, and recorded long enough after its mtime that a same-tick change is impossible. */
function trusted(recorded: Stamp | null, now: Stamp | null, t: number): boolean {
  if (recorded === null || now === null) return recorded === now;
  if (recorded[0] !== now[0] || recorded[1] !== now[1] || recorded[2] !== now[2]) return false;
  return recorded[0] < t - RACY_MS;
}
