import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, writeFileAtomic } from '../shared/atomic-fs';
import { LockedError } from '../shared/errors';
import { withFileLock } from '../shared/file-lock';
import type { Logger } from '../shared/logger';

/**
 * Sync state used to live in `<cacheDir>/metadata/` beside cached server metadata, where `cache
 * clear` deleted it with the cache: a queued delete vanished and the next sync reported false
 * conflicts. It now lives in `$ESCHER_HOME/sync/`, which no cache command touches. This moves an
 * existing home's state there.
 *
 * Crash-safe by order: every step is one atomic rename (or, across filesystems, an atomic copy
 * followed by removing the source), and `sync_state.json` — the file that says what the home
 * agreed with the server — moves last, so it is the commit point:
 *   - a kill before it leaves the legacy `sync_state.json` in place and the next start moves what
 *     is left (a base already moved stays moved);
 *   - a kill after it leaves only leftovers, which the next start removes.
 * Never does the new folder hold a `sync_state.json` older than the legacy one's content.
 * Two processes starting together serialise on `migrate.lock` in the new folder.
 */
/** Where versions before `$ESCHER_HOME/sync/` kept the sync state. */
export function legacySyncDir(cacheDir: string): string {
  return path.join(cacheDir, 'metadata');
}

export const LEGACY_STATE_FILES = ['sync_state.json', 'last_sync.json', 'base', '.upload-scratch', 'sync.lock'] as const;

export interface MigrationOptions {
  logger?: Logger;
  /** A lock left by a migration killed mid-way is taken over after this long (default 10 s). */
  lockStaleMs?: number;
  /** Lets a test stop the migration (SIGKILL) at each step; `step` names what is about to happen. */
  step?: (step: string) => void;
}
type MigrationHooks = Pick<MigrationOptions, 'step'>;

/** A legacy sync lock not refreshed for this long belongs to no live process (sync-lock.ts stale time). */
const LEGACY_LOCK_STALE_MS = 10_000;

export async function migrateLegacySyncState(from: string, to: string, options: MigrationOptions = {}): Promise<void> {
  const { logger } = options;
  const hooks: MigrationHooks = options;
  if (path.resolve(from) === path.resolve(to)) return;
  // The common case, once migrated: one readdir.
  if ((await legacyEntries(from)).length === 0) return;
  await withFileLock(
    {
      file: to,
      lockfilePath: path.join(to, 'migrate.lock'),
      dir: to,
      staleMs: options.lockStaleMs ?? 10_000,
      waitMs: 30_000,
      busy: (cause) => new LockedError('Another process is moving the sync state to its new folder', { hint: 'try again in a moment', cause }),
    },
    async () => {
      const left = await legacyEntries(from);
      if (left.length === 0) return;
      const committed = await isFile(path.join(to, 'sync_state.json'));
      if (!committed) {
        await moveBases(path.join(from, 'base'), path.join(to, 'base'), hooks);
        await moveFile(path.join(from, 'last_sync.json'), path.join(to, 'last_sync.json'), hooks);
        hooks.step?.('commit');
        if (await moveFile(path.join(from, 'sync_state.json'), path.join(to, 'sync_state.json'), hooks)) {
          logger?.info(`Sync state moved from ${from} to ${to} (it is not cache: \`cache clear\` no longer reaches it)`);
        }
      } else if (await isFile(path.join(from, 'sync_state.json'))) {
        // Written after the move by an older version of this program still running: kept for
        // inspection, never merged over the newer state.
        const aside = path.join(to, `sync_state.json.legacy-${Date.now()}`);
        hooks.step?.('set aside a later legacy state');
        await moveFile(path.join(from, 'sync_state.json'), aside, hooks);
        logger?.warn(`A sync state was written to ${from} after it moved to ${to} (an older version still running?); kept as ${aside}, not used`);
      }
      await removeLeftovers(from, hooks);
    },
  );
}

async function legacyEntries(from: string): Promise<string[]> {
  try {
    const names = await fs.readdir(from);
    return names.filter((n) => (LEGACY_STATE_FILES as readonly string[]).includes(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.lstat(p)).isFile();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Moves one regular file (a symlink or a folder planted in its place is not followed): a rename,
 * or across filesystems an fsynced copy then removing the source. False when there was none.
 */
async function moveFile(src: string, dest: string, hooks: MigrationHooks): Promise<boolean> {
  if (!(await isFile(src))) return false;
  hooks.step?.(`move ${path.basename(src)}`);
  await fs.mkdir(path.dirname(dest), { recursive: true });
  try {
    await fs.rename(src, dest);
    await fsyncDir(path.dirname(dest));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await writeFileAtomic(dest, await fs.readFile(src));
    hooks.step?.(`remove copied ${path.basename(src)}`);
    await fs.rm(src, { force: true });
  }
  return true;
}

/**
 * Merge bases: the whole folder in one rename when the new one has none yet, else file by file
 * (what an interrupted earlier move left). A base left behind only costs a more careful merge.
 */
async function moveBases(src: string, dest: string, hooks: MigrationHooks): Promise<void> {
  let st;
  try {
    st = await fs.lstat(src);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!st.isDirectory()) return;
  hooks.step?.('move base/');
  try {
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rename(src, dest);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  for (const name of await fs.readdir(src)) {
    if (name.endsWith('.json') && !name.startsWith('.')) await moveFile(path.join(src, name), path.join(dest, name), hooks);
  }
}

async function removeLeftovers(from: string, hooks: MigrationHooks): Promise<void> {
  for (const name of LEGACY_STATE_FILES) {
    const p = path.join(from, name);
    if (name === 'sync.lock') {
      // Held by an older version syncing right now: left until it goes stale.
      const st = await fs.lstat(p).catch(() => undefined);
      if (!st || Date.now() - st.mtimeMs < LEGACY_LOCK_STALE_MS) continue;
    }
    hooks.step?.(`remove legacy ${name}`);
    await fs.rm(p, { recursive: true, force: true });
  }
}
