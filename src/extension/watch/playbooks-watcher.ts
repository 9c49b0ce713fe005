import * as path from 'node:path';
import { watchStoreFolder } from '../../core/playbook-store/store-watcher';
import { systemClock } from '../../core/shared/clock';
import { Debouncer } from '../util/debounce';
import { DisposableOwner } from '../util/disposable';

/**
 * Watches the playbooks folder (usually outside the workspace: ~/.escher/playbooks) so edits made
 * by the CLI, another window or by hand refresh the explorer, the code lenses and the search
 * index — also when the folder is created after VS Code started (the first `escher-playbook
 * import` on a fresh machine). Bursts (a version folder appearing is a dozen events) are
 * debounced into one call, which gets the metadata.json files seen changing (so they can be
 * validated).
 *
 * The core's store watcher (Node's fs.watch on the root, the areas, each playbook and its latest
 * version) rather than VS Code's file watcher: VS Code sets its watch up asynchronously in another
 * process, so a store created while that was under way was never reported, and the explorer
 * stopped short of a CLI import for good. A Node watch is in place when the call returns, and
 * the store watcher looks after watching, so nothing falls between the two.
 */
export class PlaybooksWatcher extends DisposableOwner {
  private readonly debouncer: Debouncer;
  private metadataFiles = new Set<string>();

  constructor(playbooksDir: string, onChange: (metadataFiles: ReadonlySet<string>) => void, debounceMs = 400) {
    super();
    this.debouncer = this._register(
      new Debouncer(systemClock, debounceMs, () => {
        const files = this.metadataFiles;
        this.metadataFiles = new Set();
        onChange(files);
      }),
    );
    this._register(
      watchStoreFolder(
        playbooksDir,
        (changed) => {
          // The store watcher leaves out its bookkeeping (.catalog.json, .locks/, temp folders).
          if (path.basename(changed) === 'metadata.json') this.metadataFiles.add(path.join(playbooksDir, changed));
          this.debouncer.trigger();
        },
        // Its watches are set up folder by folder: what changed meanwhile is read once they are.
        { onReady: () => this.debouncer.trigger() },
      ),
    );
  }
}
