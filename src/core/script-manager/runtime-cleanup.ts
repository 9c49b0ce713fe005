import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Removal of decrypted runtime copies (runtime-files.ts), in the three ways they can outlive
 * their use: the process that wrote them exits (removeSync, from an 'exit' hook), they are older
 * than the TTL when any process starts (sweepExpired: a process killed before its hook ran), or
 * a command handed their path to a later one and exited (spawnReaper: removes them at the TTL).
 */

/** Deletes `file` and then its parent folders up to (not including) `root` while they are empty. */
export function removeSync(root: string, file: string): void {
  rmSync(file, { force: true });
  for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      break;
    }
  }
}

/**
 * Removes every file under `root` whose mtime is older than `ttlMs` (real time: mtimes are), and
 * the folders that leaves empty. Symlinks are removed as links, never followed. Synchronous: it
 * runs when a process starts (one failed readdir when there is no runtime folder), and a short
 * CLI command must not exit half-way through it. Returns how many files were removed.
 */
export function sweepExpired(root: string, ttlMs: number): number {
  const cutoff = Date.now() - ttlMs;
  let removed = 0;
  const walk = (dir: string): boolean => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    let empty = true;
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!walk(p) || !tryRmdir(p)) empty = false;
        continue;
      }
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if ((st.mtimeMs < cutoff || !st.isFile()) && tryRm(p)) removed++;
      else empty = false;
    }
    return empty;
  };
  walk(root);
  return removed;
}

function tryRm(file: string): boolean {
  try {
    rmSync(file, { force: true });
    return true;
  } catch {
    return false;
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * A detached process that removes `files` at `atMs` (epoch ms) — each only if it is still the
 * file that was handed out (same inode: a later resolve may have written a new copy) — and exits
 * early once none of them exists. It gets no environment and no open descriptors of ours.
 */
export function spawnReaper(root: string, files: ReadonlyArray<{ file: string; ino: number }>, atMs: number): void {
  const child = spawn(process.execPath, ['-e', REAPER, JSON.stringify({ root, files, atMs })], {
    detached: true,
    stdio: 'ignore',
    windowsHide: true,
    // Inside an Electron host, execPath is the app: this makes it act as plain Node.
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  child.on('error', () => undefined);
  child.unref();
}

const REAPER = `
const fs = require('fs'), path = require('path');
const { root, files, atMs } = JSON.parse(process.argv[1]);
const mine = (f) => { try { return fs.lstatSync(f.file).ino === f.ino; } catch { return false; } };
const tick = () => {
  const left = files.filter(mine);
  if (left.length === 0) return;
  if (Date.now() < atMs) { setTimeout(tick, Math.min(2000, atMs - Date.now())); return; }
  for (const f of left) {
    try { fs.rmSync(f.file, { force: true }); } catch {}
    for (let d = path.dirname(f.file); d.startsWith(root + path.sep); d = path.dirname(d)) { try { fs.rmdirSync(d); } catch { break; } }
  }
};
tick();
`;
