import { type Dirent, promises as fs } from 'node:fs';
import { ValidationError } from '../shared/errors';
import { isBookkeeping, parseVersionDirName, sortVersions, type StoreLayout } from './layout';
import { AREAS, type Area } from './metadata';

/**
 * The one reader of the store's folder names (layout.ts): which ids an area holds, which areas
 * hold an id, which versions a playbook has. Reads directories only, never a file, so it is cheap and has no validator to
 * load (the extension uses it before the core bundle is loaded). Bookkeeping names (".tmp-…") are
 * invisible.
 */

export async function readdirOrEmpty(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}

/** Playbook ids in an area folder (real directories only: a symlinked id folder is ignored and reported by doctor). */
export async function listIds(areaDir: string): Promise<string[]> {
  return (await readdirOrEmpty(areaDir)).filter((d) => d.isDirectory() && !isBookkeeping(d.name)).map((d) => d.name);
}

/** Versions present in a playbook folder (valid metadata or not), ascending semver. */
export async function listVersions(playbookDir: string): Promise<string[]> {
  const versions: string[] = [];
  for (const d of await readdirOrEmpty(playbookDir)) {
    if (!d.isDirectory() || isBookkeeping(d.name)) continue;
    const v = parseVersionDirName(d.name);
    if (v) versions.push(v);
  }
  return sortVersions(versions);
}

/** The areas holding a folder for `id` (more than one is a conflict for the caller to report). A symlinked id folder is refused, never followed. */
export async function findAreas(layout: StoreLayout, id: string): Promise<Area[]> {
  const found: Area[] = [];
  for (const area of AREAS) {
    try {
      const st = await fs.lstat(layout.playbookDir(area, id));
      if (st.isSymbolicLink()) throw new ValidationError(`Playbook folder ${layout.playbookDir(area, id)} is a symlink`, [], { hint: 'the store does not follow symlinks', hintCode: 'store-needs-check' });
      if (st.isDirectory()) found.push(area);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return found;
}
