import * as path from 'node:path';
import type * as vscode from 'vscode';
import { systemClock } from '../../core/shared/clock';
import { Debouncer } from '../util/debounce';
import { DisposableOwner } from '../util/disposable';
import { FolderWatcher } from './folder-watcher';

/**
 * Watches the playbooks folder (usually outside the workspace: ~/.escher/playbooks) so edits made
 * by the CLI, another window or by hand refresh the explorer, the code lenses and the search
 * index — also when the folder is created after VS Code started (the first `escher-playbook
 * import` on a fresh machine). Bursts (a version folder appearing is a dozen events) are
 * debounced into one call, which gets the metadata.json files seen changing (so they can be
 * validated).
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
    const on = (uri: vscode.Uri) => {
      if (!isUserVisibleChange(uri.fsPath, playbooksDir)) return;
      if (path.basename(uri.fsPath) === 'metadata.json') this.metadataFiles.add(uri.fsPath);
      this.debouncer.trigger();
    };
    this._register(new FolderWatcher(playbooksDir, '**/*', on, () => this.debouncer.trigger()));
  }
}

/**
 * The store's bookkeeping (`.catalog.json`, `.locks/`, `.tmp-…`, `.trash-…`) changes on every
 * read or write; reacting to it would refresh in a loop. Only real playbook files count.
 */
export function isUserVisibleChange(file: string, playbooksDir: string): boolean {
  const rel = path.relative(playbooksDir, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  return !rel.split(path.sep).some((seg) => seg.startsWith('.'));
}
