import { type FSWatcher, promises as fs, watch } from 'node:fs';
import * as path from 'node:path';
import { type Disposable, toDisposable } from '../shared/disposable';
import type { Logger } from '../shared/logger';
import { isBookkeeping, parseVersionDirName, sortVersions, versionDirName } from './layout';
import { AREAS } from './metadata';

/**
 * Changes to the store folder made by any process — the CLI while VS Code is open, another
 * window, a hand edit — which the store's own onDidChange (this process's writes) cannot see.
 * `onChange` is called for each one, undebounced (the caller debounces), with the path that
 * changed relative to the root ("" when the system did not say).
 *
 * What is watched is what a change can touch: every store write (create, new version, delete,
 * move) is a rename in an area folder or in a playbook folder, and a hand edit of a playbook that
 * sync would send is an edit of its latest version's metadata.json. So: the root, the three
 * areas, each playbook folder and each playbook's latest version folder — one non-recursive watch
 * each (a recursive watch would also follow every script folder of every version, and Node's
 * builds it synchronously: about a second of a blocked event loop per 5,000 playbooks here).
 * Folders are added and dropped as renames show them appearing and going.
 *
 * Bookkeeping (`.catalog.json`, `.locks/`, `.tmp-…`, `.trash-…`) is ignored: it changes on reads
 * too and would make every sync trigger the next. A root that does not exist yet is waited for
 * by watching its nearest existing ancestor; a root removed later is waited for again. A watch
 * the system refuses (the inotify limit) is reported once; the caller's interval still syncs.
 */
export function watchStoreFolder(root: string, onChange: (changed: string) => void, options: StoreWatchOptions = {}): Disposable {
  const key = path.resolve(root);
  let s = shared.get(key);
  if (!s) s = startShared(key, options.logger);
  const entry = s;
  entry.listeners.add(onChange);
  const onReady = options.onReady;
  if (onReady) {
    if (entry.ready) setImmediate(() => entry.listeners.has(onChange) && onReady());
    else entry.readyWaiters.add(onReady);
  }
  return toDisposable(() => {
    entry.listeners.delete(onChange);
    if (onReady) entry.readyWaiters.delete(onReady);
    if (entry.listeners.size > 0) return;
    entry.watcher.dispose();
    if (shared.get(key) === entry) shared.delete(key);
  });
}

/**
 * One set of watches per store folder in a process, however many subscribe (the explorer and
 * background sync in VS Code): a 10k store takes ~20k inotify watches, not to be taken twice.
 * The first subscriber's logger hears about watches the system refuses.
 */
interface SharedWatch {
  watcher: StoreWatcher;
  listeners: Set<(changed: string) => void>;
  ready: boolean;
  readyWaiters: Set<() => void>;
}

const shared = new Map<string, SharedWatch>();

function startShared(root: string, logger: Logger | undefined): SharedWatch {
  const entry: SharedWatch = {
    listeners: new Set(),
    ready: false,
    readyWaiters: new Set(),
    watcher: new StoreWatcher(root, (changed) => {
      for (const l of [...entry.listeners]) l(changed);
    }, logger),
  };
  shared.set(root, entry);
  entry.watcher.start(() => {
    entry.ready = true;
    for (const r of [...entry.readyWaiters]) r();
    entry.readyWaiters.clear();
  });
  return entry;
}

export interface StoreWatchOptions {
  logger?: Logger;
  /**
   * Called once the first watches are set up (they are set up asynchronously, folder by folder):
   * a change made before this may not have been reported, so a reader that must not miss one
   * reads again here.
   */
  onReady?: () => void;
}

/** Depth of a folder below the root: 0 root, 1 area, 2 playbook, 3 version. */
type Depth = 0 | 1 | 2 | 3;

interface Watched {
  watcher: FSWatcher;
  /** The folder watched: one removed and made again under the same name is another folder. */
  ino: number;
}

/** Folders set up between two yields to the event loop (a big store is watched without a stall). */
const BATCH = 200;

class StoreWatcher {
  private readonly watched = new Map<string, Watched>();
  private waiting: FSWatcher | undefined;
  private disposed = false;
  private warned = false;
  private readonly checks = new Set<string>();
  private rootCheck = false;
  private added = 0;

  constructor(
    private readonly root: string,
    private readonly onChange: (changed: string) => void,
    private readonly logger: Logger | undefined,
  ) {}

  start(onReady?: () => void): void {
    void this.attach()
      .catch((e: unknown) => this.fail(e))
      .then(() => {
        if (!this.disposed) onReady?.();
      });
  }

  dispose(): void {
    this.disposed = true;
    this.waiting?.close();
    this.waiting = undefined;
    this.dropAll();
  }

  /** Watches the tree when the root exists, else waits for it to appear. */
  private async attach(): Promise<void> {
    if (this.disposed) return;
    if (await isDir(this.root)) {
      this.waiting?.close();
      this.waiting = undefined;
      await this.add(this.root, 0);
      return;
    }
    await this.waitForRoot();
  }

  /**
   * Watches the nearest existing ancestor of the root; any change there re-checks. Checked again
   * once the watch is set, so a folder created in between is not missed.
   */
  private async waitForRoot(): Promise<void> {
    for (;;) {
      if (this.disposed) return;
      const dir = await nearestExisting(this.root);
      this.waiting?.close();
      this.waiting = this.open(dir, () => this.scheduleRootCheck());
      if (await isDir(this.root)) {
        // It appeared, maybe with playbooks in it already (written by another process).
        await this.attach();
        this.emit('');
        return;
      }
      if ((await nearestExisting(this.root)) === dir) return;
    }
  }

  private scheduleRootCheck(): void {
    if (this.rootCheck) return;
    this.rootCheck = true;
    setImmediate(() => {
      this.rootCheck = false;
      void this.waitForRoot().catch((e: unknown) => this.fail(e));
    });
  }

  /** Watches `dir` and the folders below it that matter (see the file comment). */
  private async add(dir: string, depth: Depth): Promise<void> {
    if (this.disposed || this.watched.has(dir)) return;
    const ino = await inoOf(dir);
    if (ino === undefined) return;
    const watcher = this.open(dir, (name) => this.changed(dir, depth, name), () => this.schedule(dir, depth));
    if (!watcher) return;
    this.watched.set(dir, { watcher, ino });
    if (++this.added % BATCH === 0) await new Promise<void>((r) => setImmediate(r));
    if (depth < 3) await this.rescan(dir, depth);
  }

  private changed(dir: string, depth: Depth, name: string | null): void {
    // A folder's own removal is reported to its watch under its own name.
    if (name === null || name === path.basename(dir)) this.schedule(dir, depth);
    if (name !== null && isBookkeeping(path.basename(name))) return;
    this.emit(name === null ? '' : path.relative(this.root, path.join(dir, name)));
    if (depth < 3) this.schedule(dir, depth);
  }

  /** One check of `dir` at a time, after a burst of events in it. */
  private schedule(dir: string, depth: Depth): void {
    if (this.checks.has(dir)) return;
    this.checks.add(dir);
    setImmediate(() => {
      this.checks.delete(dir);
      void this.check(dir, depth).catch((e: unknown) => this.fail(e));
    });
  }

  /** Is `dir` still the folder watched? Then re-scan it; else drop it and let its parent settle it. */
  private async check(dir: string, depth: Depth): Promise<void> {
    const w = this.watched.get(dir);
    if (this.disposed || !w) return;
    if ((await inoOf(dir)) === w.ino) {
      if (depth < 3) await this.rescan(dir, depth);
      return;
    }
    this.drop(dir);
    if (depth === 0) {
      // The store folder itself was removed (and maybe made again): start over.
      await this.attach();
      this.emit('');
    } else this.schedule(path.dirname(dir), (depth - 1) as Depth);
  }

  /** Adds the folders below `dir` that should be watched, drops the watched ones that went. */
  private async rescan(dir: string, depth: Depth): Promise<void> {
    const wanted = new Set((await children(dir, depth)).map((n) => path.join(dir, n)));
    for (const p of [...this.watched.keys()]) if (path.dirname(p) === dir && !wanted.has(p)) this.drop(p);
    for (const p of wanted) await this.add(p, (depth + 1) as Depth);
  }

  /** Stops watching `p` and everything watched below it. */
  private drop(p: string): void {
    for (const [q, w] of [...this.watched]) {
      if (q === p || q.startsWith(p + path.sep)) {
        w.watcher.close();
        this.watched.delete(q);
      }
    }
  }

  private dropAll(): void {
    for (const w of this.watched.values()) w.watcher.close();
    this.watched.clear();
  }

  private open(dir: string, on: (name: string | null) => void, onError?: () => void): FSWatcher | undefined {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => on(name === null ? null : String(name)));
      // A watch lost (its folder removed): the check settles what is left.
      w.on('error', () => {
        w.close();
        onError?.();
      });
      return w;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Gone between listing and watching: nothing to watch.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.fail(e);
      return undefined;
    }
  }

  /** Reports a change, unless disposed: a check already scheduled may finish after dispose(). */
  private emit(changed: string): void {
    if (!this.disposed) this.onChange(changed);
  }

  private fail(e: unknown): void {
    if (this.warned || this.disposed) return;
    this.warned = true;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' || code === 'EMFILE' ? ' (the system limit on watched folders is reached)' : '';
    this.logger?.warn(`Cannot watch all of ${this.root}${why}: changes made by other processes are picked up by the next scheduled sync (${(e as Error).message})`);
  }
}

/** The sub-folders of `dir` worth watching at `depth` (areas; playbooks; the latest version). */
async function children(dir: string, depth: Depth): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs = entries.filter((e) => e.isDirectory() && !isBookkeeping(e.name)).map((e) => e.name);
  if (depth === 0) return dirs.filter((n) => (AREAS as readonly string[]).includes(n));
  if (depth === 1) return dirs;
  const versions = sortVersions(dirs.map(parseVersionDirName).filter((v): v is string => v !== undefined));
  const latest = versions.at(-1);
  return latest === undefined ? [] : [versionDirName(latest)];
}

async function inoOf(dir: string): Promise<number | undefined> {
  try {
    const st = await fs.stat(dir);
    return st.isDirectory() ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

/** The root's closest ancestor that exists (the root's parent at the nearest). */
async function nearestExisting(root: string): Promise<string> {
  let dir = path.dirname(root);
  while (!(await isDir(dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
