import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableOwner } from '../util/disposable';
import { nextStep } from './next-step';

/**
 * A file-system watcher on `folder` (with `pattern` inside it) that works when the folder does
 * not exist yet: until it does, it waits for it one level at a time (next-step.ts), then starts
 * the real watch and reports `onAppear` once, so whatever was created meanwhile is read.
 */
export class FolderWatcher extends DisposableOwner {
  private current: vscode.Disposable[] = [];

  constructor(
    private readonly folder: string,
    private readonly pattern: string,
    private readonly onEvent: (uri: vscode.Uri) => void,
    private readonly onAppear: () => void,
  ) {
    super();
    this._register({ dispose: () => this.stop() });
    this.start(false);
  }

  private start(appeared: boolean): void {
    this.stop();
    if (this.isDisposed) return;
    const step = nextStep(this.folder, existsSync);
    if (!step) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(this.folder), this.pattern));
      this.current.push(w, w.onDidCreate(this.onEvent), w.onDidChange(this.onEvent), w.onDidDelete(this.onEvent));
      if (appeared) this.onAppear();
      return;
    }
    // A pattern without "**" or "/" is a non-recursive watch of `parent`: cheap even on $HOME.
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(step.parent), step.child));
    this.current.push(w, w.onDidCreate(() => this.start(true)));
    // It may have appeared between the check and the watch.
    if (existsSync(path.join(step.parent, step.child))) this.start(true);
  }

  private stop(): void {
    for (const d of this.current.splice(0)) d.dispose();
  }
}
