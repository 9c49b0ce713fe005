import * as path from 'node:path';
import * as semver from 'semver';
import { TEMP_PREFIX } from '../shared/atomic-fs';
import { validatePlaybookId } from '../shared/safe-path';
import { AREAS, type Area } from './metadata';
import { isVersion } from './names';

/** Prefix of something deleted (renamed away atomically) but not yet removed: bookkeeping, like temp names. */
export const TRASH_PREFIX = '.trash-';
/** The file in each version folder that describes it (schemas/metadata.schema.json). */
export const METADATA_FILE = 'metadata.json';

/**
 * On-disk layout of the store (the seed's, plus hidden bookkeeping):
 *
 *   <playbooksDir>/
 *     local/ synced/ ai-generated/          the three areas
 *       <playbook-id>/                       one folder per playbook, in exactly one area
 *         v<semver>/                         one immutable folder per version
 *           metadata.json                    schemas/metadata.schema.json
 *           shell/… cloudformation/… arm/… terraform/… python/…   scripts by format
 *         .tmp-v<semver>-<pid>-<rand>/       a version being built (ignored by readers)
 *       .tmp-<id>-<pid>-<rand>/              a new playbook being built (ignored by readers)
 *       .trash-<id>-<pid>-<rand>/            a deleted playbook/version being removed
 *     .locks/                                proper-lockfile lock folders (store.lock, id-<id>.lock)
 *     .catalog.json                          listing cache, verified by stat before use
 *
 * Every name starting with "." is bookkeeping: readers skip it, `doctor` cleans leftovers.
 */
export class StoreLayout {
  constructor(readonly root: string) {}

  areaDir(area: Area): string {
    return path.join(this.root, area);
  }

  playbookDir(area: Area, id: string): string {
    return path.join(this.root, area, validatePlaybookId(id));
  }

  versionDir(area: Area, id: string, version: string): string {
    return path.join(this.playbookDir(area, id), versionDirName(version));
  }

  get locksDir(): string {
    return path.join(this.root, '.locks');
  }

  get catalogFile(): string {
    return path.join(this.root, '.catalog.json');
  }

  get areas(): readonly Area[] {
    return AREAS;
  }
}

/** Folder of a version: "v" + the version, as in the seed ("v1.0.0"). */
export function versionDirName(version: string): string {
  return `v${version}`;
}

/** "v1.2.3" -> "1.2.3"; undefined for anything that is not a version folder name. The one parser of that rule. */
export function parseVersionDirName(name: string): string | undefined {
  const v = name.slice(1);
  return name.startsWith('v') && isVersion(v) ? v : undefined;
}

/** A path inside a version folder of the store. */
export interface StorePath {
  area: Area;
  /** The id folder's name (whether or not it is a valid id: a hand-made folder is still the store's to report). */
  playbookId: string;
  version: string;
  /** "/"-separated, relative to the version folder ("metadata.json", "shell/stop.sh"); "" for the folder itself. */
  file: string;
}

/**
 * Where `file` sits in the store rooted at `root`: `<root>/<area>/<id>/v<version>/<file>`.
 * Undefined for anything else — outside the root, bookkeeping names (".tmp-…"), folders that are
 * not version folders. Pure: nothing is read from disk.
 */
export function parseStorePath(root: string, file: string): StorePath | undefined {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [area, playbookId, versionDir, ...rest] = rel.split(path.sep);
  if (!area || !(AREAS as readonly string[]).includes(area) || !playbookId || isBookkeeping(playbookId) || !versionDir) return undefined;
  const version = parseVersionDirName(versionDir);
  return version === undefined ? undefined : { area: area as Area, playbookId, version, file: rest.join('/') };
}

export function isBookkeeping(name: string): boolean {
  return name.startsWith('.');
}

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) || name.startsWith(TRASH_PREFIX);
}

/** Extracts the pid embedded in a temp/trash name (…-<pid>-<rand>), to tell a live writer's dir from a crashed one's. */
export function pidOfTempName(name: string): number | undefined {
  const m = /-(\d+)-[0-9a-f]{8}$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function sortVersions(versions: string[]): string[] {
  return versions.sort(semver.compare);
}
