import * as vscode from 'vscode';
import type { SyncStatus } from '../../core/metadata-publisher/status-reader';
import { DisposableOwner } from '../util/disposable';
import { statusBarData } from './sync-status-text';

/** The status-bar item: sign in / last sync / pending / conflicts; a click does what it says (statusBarData). */
export class SyncStatusBar extends DisposableOwner {
  private readonly item: vscode.StatusBarItem;
  private status: SyncStatus | undefined;
  private syncing = false;

  constructor(
    private readonly state: () => { visible: boolean; signedIn: boolean; tokenRejected: boolean; running: boolean },
    private readonly readStatus: () => Promise<SyncStatus>,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('escher.sync', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'Escher Sync';
    // Relative times ("synced 3 min ago") age without any event.
    const t = setInterval(() => this.render(), 60_000);
    this._register({ dispose: () => clearInterval(t) });
  }

  setSyncing(syncing: boolean): void {
    this.syncing = syncing;
    this.render();
  }

  async update(): Promise<void> {
    const s = this.state();
    if (s.visible && s.signedIn && !s.tokenRejected) {
      try {
        this.status = await this.readStatus();
      } catch {
        this.status = undefined;
      }
    }
    this.render();
  }

  private render(): void {
    const s = this.state();
    if (!s.visible) {
      this.item.hide();
      return;
    }
    const d = statusBarData(this.status, { signedIn: s.signedIn, tokenRejected: s.tokenRejected, running: s.running, syncing: this.syncing, now: Date.now() });
    this.item.text = d.text;
    this.item.tooltip = d.tooltip;
    this.item.backgroundColor = d.background ? new vscode.ThemeColor(d.background) : undefined;
    this.item.command = d.command;
    this.item.show();
  }
}
