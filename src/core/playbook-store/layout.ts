import * as path from 'node:path';
import * as semver from 'semver';
import { TEMP_PREFIX } from '../shared/atomic-fs';
import { validatePlaybookId } from '../shared/safe-path';
import { AREAS, type Area, versionDirName } from './metadata';

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
export const TRASH_PREFIX = '.trash-';
export const METADATA_FILE = 'metadata.json';

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

/** "v1.2.3" -> "1.2.3"; undefined for anything that is not a version folder name. */
export function parseVersionDirName(name: string): string | undefined {
  if (!name.startsWith('v')) return undefined;
  const v = name.slice(1);
  return semver.valid(v) === v && !v.includes('+') ? v : undefined;
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
