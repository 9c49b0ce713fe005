import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256, sha256File } from '../shared/hash';
import type { IndexEntry } from './cache-index';

/** Filesystem work of the script cache that needs no index: checking, walking and removing files. */

const SMALL_FILE = 1024 * 1024;
/** Temp files older than this belong to a crashed download (a live one writes continuously). */
const STALE_TEMP_MS = 60 * 60_000;

/** What is wrong with a cached file against its index entry, or undefined when it verifies. */
export async function checkFile(file: string, entry: IndexEntry): Promise<string | undefined> {
  let st;
  try {
    st = await fs.lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'is missing on disk';
    throw e;
  }
  if (!st.isFile()) return 'is not a regular file';
  if (st.size !== entry.size) return `has ${st.size} bytes, the index says ${entry.size}`;
  // Scripts are usually a few KB: one readFile is several times cheaper than a read stream.
  // Large ones are streamed so a hit never holds a whole big file in memory.
  const actual = st.size <= SMALL_FILE ? sha256(await fs.readFile(file)) : (await sha256File(file)).sha256;
  if (actual !== entry.sha256) return 'does not match its sha256';
  return undefined;
}

/**
 * Deletes a cached file, then its `<format>/` and `<id>-v<version>/` folders once they are empty
 * (ENOTEMPTY is the normal case and ends the climb). Never climbs out of `scriptsDir`.
 */
export async function removeCachedFile(scriptsDir: string, file: string): Promise<void> {
  await fs.rm(file, { force: true });
  for (let dir = path.dirname(file); dir.startsWith(scriptsDir + path.sep); dir = path.dirname(dir)) {
    try {
      await fs.rmdir(dir);
    } catch {
      break;
    }
  }
}

/** Removes temp files left by crashed downloads in `tmpDir`. Returns bytes freed. */
export async function removeStaleTemps(tmpDir: string): Promise<number> {
  let freed = 0;
  let names: string[];
  try {
    names = await fs.readdir(tmpDir);
  } catch {
    return 0;
  }
  const cutoff = Date.now() - STALE_TEMP_MS; // real time: mtimes are real time
  for (const n of names) {
    const p = path.join(tmpDir, n);
    const st = await fs.lstat(p).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) {
      await fs.rm(p, { force: true, recursive: true });
      freed += st.size;
    }
  }
  return freed;
}

/** Relative paths ("a/b/c") of every non-directory under `dir`; an unreadable folder counts as empty. */
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
