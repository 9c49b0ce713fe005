import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256File } from '../shared/hash';
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
}

/**
 * Re-hashes every file under scripts/ and rewrites the index from what verifies. A file is kept
 * only when evidence vouches for its sha256 and size: a still-valid index record (its times are
 * kept) or the cached server metadata (its mtime becomes its times: "adopted"). Anything else —
 * unknown files, files at impossible paths, non-regular files — is deleted: the cache holds only
 * copies, the server has the original. The caller holds the index lock.
 */
export async function verifyLocked(ctx: VerifyContext): Promise<CacheVerifyReport> {
  const { layout, index } = ctx;
  await index.reload(); // whatever still verifies line by line is evidence
  const evidence = new Map(index.entries);
  const report: CacheVerifyReport = { checked: 0, kept: 0, removed: [], adopted: 0, bytesFreed: 0 };
  const kept: IndexEntry[] = [];
  const removeFile = async (rel: string, reason: string, size: number) => {
    await removeCachedFile(layout.scriptsDir, path.join(layout.root, rel));
    report.removed.push({ path: rel, reason });
    report.bytesFreed += size;
  };
  for (const { rel, ref } of await scanScripts(layout, removeFile)) {
    report.checked++;
    const file = path.join(layout.root, rel);
    const st = await fs.lstat(file);
    if (!st.isFile()) {
      await removeFile(rel, 'not a regular file', 0);
      continue;
    }
    const actual = await sha256File(file);
    const key = cacheKey(ref);
    const fromIndex = evidence.get(key);
    evidence.delete(key);
    let vouched: { inserted_at: number; last_access: number } | undefined;
    if (fromIndex && fromIndex.sha256 === actual.sha256 && fromIndex.size === actual.size) vouched = fromIndex;
    else {
      const meta = await ctx.metadata?.get(ref.playbookId, ref.version);
      const script = meta?.metadata.scripts.find((s) => s.path === ref.path);
      if (script && script.sha256 === actual.sha256 && script.size === actual.size) {
        vouched = { inserted_at: Math.floor(st.mtimeMs), last_access: Math.floor(st.mtimeMs) };
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
  report.bytesFreed += await removeStaleTemps(layout.tmpDir);
  return report;
}

/** Every file under scripts/ with its cache ref; files at impossible places are removed on the way. */
async function scanScripts(layout: CacheLayout, removeFile: (rel: string, reason: string, size: number) => Promise<void>): Promise<{ rel: string; ref: ScriptRef }[]> {
  const out: { rel: string; ref: ScriptRef }[] = [];
  let folders: string[];
  try {
    folders = await fs.readdir(layout.scriptsDir);
  } catch {
    return out;
  }
  for (const folder of folders) {
    const parsed = parseVersionFolder(folder);
    for (const inner of await walkFiles(path.join(layout.scriptsDir, folder))) {
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
