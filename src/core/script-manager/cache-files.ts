import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from '../shared/atomic-fs';
import { assertRealpathInside, openInside, realDirInside, realTargetInside, removeInside, rmdirInside } from '../shared/contained-fs';
import { EscherError, OutsideRootError } from '../shared/errors';
import { sha256Handle } from '../shared/hash';
import type { IndexEntry } from './cache-index';
import type { CacheLayout } from './cache-layout';

/**
 * Filesystem work of the script cache that needs no index: checking, walking and removing files.
 * Every read and delete goes through shared/contained-fs.ts, so nothing outside the cache's real
 * folder is read or deleted, whatever symlinks appear inside it (the cache folder itself may be a
 * symlink: a cache moved to a bigger disk).
 */

/** Temp files older than this belong to a crashed download (a live one writes continuously). */
const STALE_TEMP_MS = 60 * 60_000;

/** What is wrong with a cached file against its index entry, or undefined when it verifies. */
export async function checkFile(layout: CacheLayout, file: string, entry: IndexEntry): Promise<string | undefined> {
  let opened;
  try {
    opened = await openInside(layout.root, file, 'Cached script');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'is missing on disk';
    if (e instanceof EscherError) return `is refused: ${e.message}`;
    throw e;
  }
  try {
    if (opened.stats.size !== entry.size) return `has ${opened.stats.size} bytes, the index says ${entry.size}`;
    const actual = await sha256Handle(opened.handle, opened.stats.size);
    if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) return 'does not match its sha256';
    return undefined;
  } finally {
    await opened.handle.close();
  }
}

/**
 * Renames a fully written temp file to `target` in scripts/. A symlinked folder inside the cache
 * must not carry the mkdir or the rename elsewhere: checked before creating anything, and the
 * rename goes to the checked real path.
 */
export async function moveIntoCache(layout: CacheLayout, tmp: string, target: string): Promise<void> {
  await assertRealpathInside(layout.root, path.dirname(target), 'Cache folder');
  await fs.mkdir(path.dirname(target), { recursive: true });
  const real = (await realTargetInside(layout.root, target, 'Cached script'))!;
  await fs.rename(tmp, real);
  await fsyncDir(path.dirname(real));
}

/**
 * Deletes a cached file, then its `<format>/` and `<id>-v<version>/` folders once they are empty
 * (ENOTEMPTY is the normal case and ends the climb). Never climbs out of `scripts/`. A folder
 * below `scripts/` that is a symlink is the cache's own stray: the link is removed, what it points
 * at is left alone. Returns what was unusual (for a warning), undefined for a plain delete.
 */
export async function removeCachedFile(layout: CacheLayout, file: string): Promise<string | undefined> {
  const link = await symlinkedFolder(layout.scriptsDir, file);
  if (link) {
    await removeInside(layout.root, link, { kind: 'Cache folder' });
    return `${path.relative(layout.root, link)} was a symlink: the link was removed, what it points at was left alone`;
  }
  try {
    await removeInside(layout.root, file, { kind: 'Cached script' });
    for (let dir = path.dirname(file); dir.startsWith(layout.scriptsDir + path.sep); dir = path.dirname(dir)) {
      if (!(await rmdirInside(layout.root, dir))) break;
    }
  } catch (e) {
    // scripts/ itself leads out of the cache: not ours to delete from.
    if (e instanceof OutsideRootError) return `${e.message}; nothing was deleted there`;
    throw e;
  }
  return undefined;
}

/** The first folder strictly between `top` and `file` that is a symlink, if any. */
async function symlinkedFolder(top: string, file: string): Promise<string | undefined> {
  const rel = path.relative(top, path.dirname(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  let dir = top;
  for (const part of rel.split(path.sep)) {
    dir = path.join(dir, part);
    const st = await fs.lstat(dir).catch(() => undefined);
    if (!st) return undefined;
    if (st.isSymbolicLink()) return dir;
  }
  return undefined;
}

/**
 * Removes temp files left by crashed downloads in cache/tmp. Returns bytes freed. A tmp/ that
 * leads out of the cache is left alone with a warning.
 */
export async function removeStaleTemps(layout: CacheLayout, warn: (message: string) => void): Promise<number> {
  let dir: string | undefined;
  try {
    dir = await realDirInside(layout.root, layout.tmpDir, 'Cache temp folder');
  } catch (e) {
    if (!(e instanceof OutsideRootError)) throw e;
    warn(`script cache: ${e.message}; nothing in it was deleted`);
    return 0;
  }
  if (dir === undefined) return 0;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let freed = 0;
  const cutoff = Date.now() - STALE_TEMP_MS; // real time: mtimes are real time
  for (const n of names) {
    // `dir` is a real path, so `p` has no symlink above it; fs.rm does not follow `p` itself.
    const p = path.join(dir, n);
    const st = await fs.lstat(p).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) {
      await fs.rm(p, { force: true, recursive: true });
      freed += st.size;
    }
  }
  return freed;
}

/** Relative paths ("a/b/c") of every non-directory under `dir` (symlinks included, never followed); an unreadable folder counts as empty. */
export async function walkFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let items;
  try {
    items = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of items) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await walkFiles(path.join(dir, d.name), rel)));
    else out.push(rel);
  }
  return out;
}

export async function hasChildren(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length > 0;
  } catch {
    return false;
  }
}
