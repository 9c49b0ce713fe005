import { type Dirent, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DataKeyProvider } from '../shared/crypto';
import { readInside } from '../shared/contained-fs';
import { isEscherError, OutsideRootError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import type { Logger } from '../shared/logger';
import { PLAYBOOK_ID, resolveInside } from '../shared/safe-path';
import { CATALOG_FORMAT, type PlaybookCatalog } from './catalog';
import { isBookkeeping, isTempName, METADATA_FILE, parseVersionDirName, pidOfTempName, type StoreLayout } from './layout';
import { AREAS, type Area, type PlaybookMetadata } from './metadata';
import { loadMetadata } from './scan';
import { readdirOrEmpty } from './store-folders';
import { checkSeals, type LegacyScript } from './doctor-seals';
import { decryptScript } from './sensitive';
import type { StoreLocks } from './store-lock';
import type { DoctorIssue, DoctorReport } from './types';
import { isProcessAlive } from '../shared/process-alive';

/**
 * `doctor`: walks the whole store and reports what a crash, a hand edit or a bad copy left
 * behind. With `repair`, it fixes only what cannot lose data:
 *  - removes ".tmp-…" / ".trash-…" folders whose writer is gone (taken under the same lock the
 *    writer held, so a live writer's folder is never touched),
 *  - removes empty playbook folders,
 *  - rebuilds the catalog, removes lock folders nobody has refreshed for a long time.
 * Schema errors, checksum mismatches, symlinks, stray files and duplicate ids are reported with
 * the path to look at, never "fixed": the right fix needs a human.
 */
export interface DoctorDeps {
  layout: StoreLayout;
  locks: StoreLocks;
  keys: DataKeyProvider;
  catalog: PlaybookCatalog;
  logger: Logger;
}

/** A lock folder not refreshed for this long is dead (proper-lockfile refreshes every few seconds). */
const DEAD_LOCK_MS = 60_000;
/** A temp folder of a live process is left alone unless it is older than this. */
const ABANDONED_TEMP_MS = 60 * 60_000;

export async function runDoctor(deps: DoctorDeps, options: { repair?: boolean }): Promise<DoctorReport> {
  const repair = options.repair === true;
  const issues: DoctorIssue[] = [];
  const report = (kind: DoctorIssue['kind'], p: string, message: string, repaired = false) => issues.push({ kind, path: p, message, repaired });
  let checkedVersions = 0;
  let key: Buffer | undefined | null = null; // null = not asked yet
  const getKey = async (): Promise<Buffer | undefined> => {
    if (key === null) key = await deps.keys.get({ create: false }).catch(() => undefined);
    return key;
  };
  const seen = new Map<string, Area>();

  for (const area of AREAS) {
    const areaDir = deps.layout.areaDir(area);
    const entries = await readdirOrEmpty(areaDir);
    const temps = entries.filter((d) => isTempName(d.name));
    if (temps.length) {
      const clean = () => cleanTemps(areaDir, temps, repair, report);
      if (repair) await deps.locks.with('store', clean);
      else await clean();
    }
    for (const d of entries) {
      const full = path.join(areaDir, d.name);
      if (isTempName(d.name)) continue;
      if (isBookkeeping(d.name)) continue;
      if (d.isSymbolicLink()) {
        report('symlink', full, 'playbook folder is a symlink; the store ignores it (replace it with a real folder or remove it)');
        continue;
      }
      if (!d.isDirectory()) {
        report('orphan', full, 'stray file in an area folder (the store ignores it)');
        continue;
      }
      if (!PLAYBOOK_ID.test(d.name)) {
        report('orphan', full, 'folder name is not a valid playbook id (the store ignores it)');
        continue;
      }
      const other = seen.get(d.name);
      if (other) report('duplicate-id', full, `playbook "${d.name}" also exists in ${other}; keep one copy (the store refuses to write to either until then)`);
      seen.set(d.name, area);
      const check = async () => {
        checkedVersions += await checkPlaybook(full, d.name, repair, report, getKey);
      };
      if (repair) await deps.locks.with(`id-${d.name}`, check);
      else await check();
    }
  }

  await checkLocks(deps.layout.locksDir, repair, report);
  await checkCatalog(deps, repair, report);
  return { checkedVersions, issues };
}

type Report = (kind: DoctorIssue['kind'], p: string, message: string, repaired?: boolean) => void;

async function checkPlaybook(dir: string, id: string, repair: boolean, report: Report, getKey: () => Promise<Buffer | undefined>): Promise<number> {
  const entries = await readdirOrEmpty(dir);
  const temps = entries.filter((d) => isTempName(d.name));
  await cleanTemps(dir, temps, repair, report);
  let versions = 0;
  for (const d of entries) {
    if (isBookkeeping(d.name)) continue;
    const full = path.join(dir, d.name);
    const version = parseVersionDirName(d.name);
    if (d.isSymbolicLink()) {
      report('symlink', full, 'version folder is a symlink (the store ignores it)');
      continue;
    }
    if (!d.isDirectory() || !version) {
      report('orphan', full, 'not a version folder (v<semver>); the store ignores it');
      continue;
    }
    versions++;
    await checkVersion(full, id, version, repair, report, getKey);
  }
  if (versions === 0) {
    const remaining = (await readdirOrEmpty(dir)).length;
    if (repair && remaining === 0) {
      await fs.rmdir(dir);
      report('orphan', dir, 'empty playbook folder removed', true);
    } else report('orphan', dir, remaining === 0 ? 'empty playbook folder' : 'playbook folder without any version folder');
  }
  return versions;
}

async function checkVersion(dir: string, id: string, version: string, repair: boolean, report: Report, getKey: () => Promise<Buffer | undefined>): Promise<void> {
  let metadata: PlaybookMetadata;
  try {
    metadata = (await loadMetadata(dir, { playbookId: id, version })).metadata;
  } catch (e) {
    // A symlinked metadata.json is refused before it is parsed: say so, not "not valid JSON".
    report(e instanceof OutsideRootError ? 'symlink' : 'schema', path.join(dir, METADATA_FILE), isEscherError(e) ? e.message : (e as Error).message);
    return;
  }
  const listed = new Set<string>([METADATA_FILE]);
  const legacy: LegacyScript[] = [];
  for (const s of metadata.scripts) {
    listed.add(s.path);
    const file = resolveInside(dir, s.path, 'Script path');
    try {
      const bytes = await readInside(dir, file, 'Script');
      let plain: Buffer = bytes;
      let sealedTheOldWay = false;
      if (s.sensitive) {
        const key = await getKey();
        if (!key) {
          report('checksum', file, 'encrypted script not verified: no data key is configured (set ESCHER_KEY)');
          continue;
        }
        const opened = decryptScript(key, id, s.path, bytes);
        plain = opened.plain;
        sealedTheOldWay = opened.legacy;
      }
      if (plain.length !== s.size || sha256(plain) !== s.sha256) report('checksum', file, `content does not match metadata.json (expected ${s.size} B, sha256 ${s.sha256.slice(0, 12)}…)`);
      else if (sealedTheOldWay) legacy.push({ file, path: s.path, plain });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') report('checksum', file, 'script listed in metadata.json is missing');
      else if (e instanceof OutsideRootError) report('symlink', file, `${e.message}; scripts must be regular files inside the version folder`);
      else report('checksum', file, isEscherError(e) ? e.message : String(e));
    }
  }
  await checkSeals(dir, metadata, legacy, await getKey(), repair, report);
  for (const rel of await filesUnder(dir)) {
    if (!listed.has(rel)) report('orphan', path.join(dir, ...rel.split('/')), 'file not listed in metadata.json (not part of the playbook)');
  }
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdirOrEmpty(dir)) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await filesUnder(path.join(dir, d.name), rel)));
    else out.push(rel);
  }
  return out;
}

async function cleanTemps(parent: string, temps: Dirent[], repair: boolean, report: Report): Promise<void> {
  for (const d of temps) {
    const full = path.join(parent, d.name);
    const st = await fs.lstat(full).catch(() => undefined);
    if (!st) continue;
    const pid = pidOfTempName(d.name);
    const live = pid !== undefined && pid !== process.pid && isProcessAlive(pid);
    if (live && Date.now() - st.mtimeMs < ABANDONED_TEMP_MS) continue; // a running writer's folder
    const what = d.name.startsWith('.trash-') ? 'half-deleted folder left by an interrupted delete' : 'unfinished write left by an interrupted process';
    if (repair) {
      await fs.rm(full, { recursive: true, force: true });
      report('temp', full, `${what}: removed`, true);
    } else report('temp', full, what);
  }
}

async function checkLocks(locksDir: string, repair: boolean, report: Report): Promise<void> {
  for (const d of await readdirOrEmpty(locksDir)) {
    if (!d.name.endsWith('.lock')) continue;
    const full = path.join(locksDir, d.name);
    const st = await fs.stat(full).catch(() => undefined);
    if (!st || Date.now() - st.mtimeMs < DEAD_LOCK_MS) continue;
    if (repair) {
      await fs.rm(full, { recursive: true, force: true });
      report('lock', full, 'lock left by a crashed process: removed', true);
    } else report('lock', full, 'lock left by a crashed process (it is taken over automatically after 10 s)');
  }
}

async function checkCatalog(deps: DoctorDeps, repair: boolean, report: Report): Promise<void> {
  const file = deps.layout.catalogFile;
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return; // no catalog yet: nothing wrong
  }
  let ok: boolean;
  try {
    const data = JSON.parse(text) as { format?: unknown };
    ok = data.format === CATALOG_FORMAT;
  } catch {
    ok = false;
  }
  if (ok && !repair) return;
  if (repair) {
    await fs.rm(file, { force: true });
    deps.catalog.invalidate();
    await deps.catalog.list();
  }
  if (!ok) report('catalog', file, repair ? 'damaged listing cache rebuilt' : 'listing cache is damaged (it is rebuilt automatically)', repair);
}
