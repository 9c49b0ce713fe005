import { type FSWatcher, statSync, watch } from 'node:fs';
import * as path from 'node:path';
import type { Disposable } from './disposable';

/**
 * A non-recursive watch on one folder that may not exist yet (a fresh machine: ~/.escher appears
 * with the first CLI import or login) or may be removed and made again.
 *
 * `onChange(name)` is called with the name of the entry that changed in the folder, or with null
 * when the folder itself appeared or was replaced (the caller re-reads everything).
 *
 * Built on Node's fs.watch, whose watch is in place when the call returns: "watch, then look"
 * therefore never misses a change made in between. VS Code's file watcher cannot promise that —
 * it is set up later in another process — and a folder created while it was being set up was
 * never reported (the explorer stopped at 16 or 64 of a 175-playbook import that created the
 * folder as it started).
 */
export function watchFolder(dir: string, onChange: (name: string | null) => void): Disposable {
  const w = new FolderWatch(path.resolve(dir), onChange);
  w.attach(false);
  return { dispose: () => w.dispose() };
}

class FolderWatch {
  private watcher: FSWatcher | undefined;
  /** The folder watched (one removed and made again under the same name is another folder). */
  private ino: number | undefined;
  private disposed = false;
  private checkQueued = false;

  constructor(
    private readonly dir: string,
    private readonly onChange: (name: string | null) => void,
  ) {}

  dispose(): void {
    this.disposed = true;
    this.close();
  }

  /** Watches the folder if it exists, else its nearest existing ancestor until it appears. */
  attach(appeared: boolean): void {
    for (;;) {
      if (this.disposed) return;
      this.close();
      const ino = dirIno(this.dir);
      if (ino !== undefined) {
        this.watcher = this.open(this.dir, (name) => {
          // The folder's own removal or replacement is reported under its own name (or none).
          if (name === null || name === path.basename(this.dir)) this.queueCheck();
          else this.emit(name);
        });
        this.ino = ino;
        // Replaced between the stat and the watch: look again.
        if (dirIno(this.dir) !== ino) continue;
        if (appeared) this.emit(null);
        return;
      }
      const ancestor = nearestExisting(this.dir);
      this.ino = undefined;
      this.watcher = this.open(ancestor, () => this.queueCheck());
      // It (or a folder on the way to it) may have appeared between the look and the watch.
      if (dirIno(this.dir) === undefined && nearestExisting(this.dir) === ancestor) return;
      appeared = true;
    }
  }

  /** After a burst of events: is the watched folder still the one watched (or did it appear)? */
  private queueCheck(): void {
    if (this.checkQueued) return;
    this.checkQueued = true;
    setImmediate(() => {
      this.checkQueued = false;
      if (this.disposed) return;
      const was = this.ino;
      if (was !== undefined && dirIno(this.dir) === was) return;
      // Appeared or replaced: attach() reports it. Removed: the caller re-reads an empty folder.
      this.attach(true);
      if (was !== undefined && this.ino === undefined) this.emit(null);
    });
  }

  private open(dir: string, on: (name: string | null) => void): FSWatcher | undefined {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => on(name === null ? null : String(name)));
      // A watch lost (its folder removed): settle what is there now.
      w.on('error', () => {
        w.close();
        this.queueCheck();
      });
      return w;
    } catch (e) {
      // Gone between the look and the watch: the next look settles it. Any other refusal (the
      // system's limit on watches, no permission) would fail the same way at once, so looking
      // again would spin: this folder is then not watched, as when VS Code's watcher gave up.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') setImmediate(() => this.queueCheck());
      return undefined;
    }
  }

  private close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private emit(name: string | null): void {
    if (!this.disposed) this.onChange(name);
  }
}

function dirIno(p: string): number | undefined {
  const st = statSync(p, { throwIfNoEntry: false });
  return st?.isDirectory() ? st.ino : undefined;
}

/** The folder's closest ancestor that exists (its parent at the nearest). */
function nearestExisting(dir: string): string {
  let d = path.dirname(dir);
  while (dirIno(d) === undefined && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}
