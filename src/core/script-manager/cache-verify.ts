import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { openInside, realDirInside, removeInside } from '../shared/contained-fs';
import { EscherError, OutsideRootError } from '../shared/errors';
import { sha256Handle } from '../shared/hash';
import type { CacheIndex, IndexEntry } from './cache-index';
import { type CacheLayout, type ScriptRef, cacheKey, parseVersionFolder } from './cache-layout';
import { removeCachedFile, removeStaleTemps, walkFiles } from './cache-files';
import type { MetadataCache } from './metadata-cache';
import { validateScriptPath } from '../playbook-store/names';

/** What `cache verify` (and a rebuild of a torn index) found and did. */
export interface CacheVerifyReport {
  checked: number;
  kept: number;
  /** Entries or files removed, with why. */
  removed: { path: string; reason: string }[];
  /** Files with no index record that the cached metadata vouched for. */
  adopted: number;
  bytesFreed: number;
}

export interface VerifyContext {
  layout: CacheLayout;
  index: CacheIndex;
  /** Second source of evidence: the server's metadata of cached playbooks. */
  metadata: MetadataCache | undefined;
  warn: (message: string) => void;
}

/**
 * Re-hashes every file under scripts/ and rewrites the index from what verifies. A file is kept
 * only when evidence vouches for its sha256 and size: a still-valid index record (its times are
 * kept) or the cached server metadata (its mtime becomes its times: "adopted"). Anything else —
 * unknown files, files at impossible paths, non-regular files — is deleted: the cache holds only
 * copies, the server has the original. Symlinks are never followed: a symlinked folder or file
 * below scripts/ is removed as a link (what it points at is left alone), and a scripts/ folder
 * that leads out of the cache is refused. The caller holds the index lock.
 */
export async function verifyLocked(ctx: VerifyContext): Promise<CacheVerifyReport> {
  const { layout, index } = ctx;
  await index.reload(); // whatever still verifies line by line is evidence
  const evidence = new Map(index.entries);
  const report: CacheVerifyReport = { checked: 0, kept: 0, removed: [], adopted: 0, bytesFreed: 0 };
  const kept: IndexEntry[] = [];
  const removeFile = async (rel: string, reason: string, size: number) => {
    const unusual = await removeCachedFile(layout, path.join(layout.root, rel));
    if (unusual) ctx.warn(`script cache: ${unusual}`);
    report.removed.push({ path: rel, reason });
    report.bytesFreed += size;
  };
  for (const { rel, ref } of await scanScripts(layout, removeFile, report)) {
    report.checked++;
    const actual = await hashCached(layout, path.join(layout.root, rel));
    if (typeof actual === 'string') {
      await removeFile(rel, actual, 0);
      continue;
    }
    const key = cacheKey(ref);
    const fromIndex = evidence.get(key);
    evidence.delete(key);
    let vouched: { inserted_at: number; last_access: number } | undefined;
    if (fromIndex && fromIndex.sha256 === actual.sha256 && fromIndex.size === actual.size) vouched = fromIndex;
    else {
      const meta = await ctx.metadata?.get(ref.playbookId, ref.version);
      const script = meta?.metadata.scripts.find((s) => s.path === ref.path);
      if (script && script.sha256 === actual.sha256 && script.size === actual.size) {
        vouched = { inserted_at: Math.floor(actual.mtimeMs), last_access: Math.floor(actual.mtimeMs) };
        report.adopted++;
      }
    }
    if (!vouched) {
      await removeFile(rel, fromIndex ? 'content does not match its index entry' : 'no index entry or metadata vouches for it', actual.size);
      continue;
    }
    kept.push({ key, path: rel, sha256: actual.sha256, size: actual.size, inserted_at: vouched.inserted_at, last_access: vouched.last_access });
    report.kept++;
  }
  for (const gone of evidence.values()) report.removed.push({ path: gone.path, reason: 'file missing' });
  kept.sort((a, b) => a.last_access - b.last_access);
  await index.compact(kept);
  report.bytesFreed += await removeStaleTemps(layout, ctx.warn);
  return report;
}

/** The file's hash, size and mtime, read through a handle inside the cache; or why it cannot be used. */
async function hashCached(layout: CacheLayout, file: string): Promise<{ sha256: string; size: number; mtimeMs: number } | string> {
  let opened;
  try {
    opened = await openInside(layout.root, file, 'Cached script');
  } catch (e) {
    if (e instanceof OutsideRootError) return 'a symlink (the link was removed, its target left alone)';
    if (e instanceof EscherError) return 'not a regular file';
    throw e;
  }
  try {
    return { ...(await sha256Handle(opened.handle, opened.stats.size)), mtimeMs: opened.stats.mtimeMs };
  } finally {
    await opened.handle.close();
  }
}

/**
 * Every file under scripts/ with its cache ref; files at impossible places, and symlinked version
 * folders (as links), are removed on the way. Throws when scripts/ itself leads out of the cache.
 */
async function scanScripts(
  layout: CacheLayout,
  removeFile: (rel: string, reason: string, size: number) => Promise<void>,
  report: CacheVerifyReport,
): Promise<{ rel: string; ref: ScriptRef }[]> {
  const out: { rel: string; ref: ScriptRef }[] = [];
  const scriptsDir = await realDirInside(layout.root, layout.scriptsDir, 'Cache scripts folder');
  if (scriptsDir === undefined) return out;
  let folders;
  try {
    folders = await fs.readdir(scriptsDir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of folders) {
    const folder = d.name;
    if (!d.isDirectory()) {
      await removeInside(layout.root, path.join(layout.scriptsDir, folder));
      report.removed.push({ path: `scripts/${folder}`, reason: d.isSymbolicLink() ? 'a symlink (the link was removed, its target left alone)' : 'not a cache path' });
      continue;
    }
    const parsed = parseVersionFolder(folder);
    for (const inner of await walkFiles(path.join(scriptsDir, folder))) {
      const rel = `scripts/${folder}/${inner}`;
      if (parsed && isScriptPath(inner)) out.push({ rel, ref: { ...parsed, path: inner } });
      else await removeFile(rel, 'not a cache path', 0);
    }
  }
  return out;
}

function isScriptPath(p: string): boolean {
  try {
    validateScriptPath(p);
    return true;
  } catch {
    return false;
  }
}
