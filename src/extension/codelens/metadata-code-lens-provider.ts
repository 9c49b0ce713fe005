import * as vscode from 'vscode';
import { DisposableOwner } from '../util/disposable';
import type { PlaybookTreeModel } from '../tree/playbook-tree-model';
import { systemClock } from '../../core/shared/clock';
import { Debouncer } from '../util/debounce';
import { type LensContext, type LensSpec, metadataLenses } from './metadata-lenses';
import { locateMetadata } from './metadata-location';

/**
 * Code lenses on a version's metadata.json inside the playbooks folder: Upload for Review /
 * Upload Trusted (local), Accept / Discard (AI-generated), the sync and review state, Validate.
 * The state comes from the tree model (one cached listing), so lenses cost nothing per keystroke.
 * Whatever the file holds — invalid JSON included — the lenses render; diagnostics come from the
 * JSON schema registered in package.json (`jsonValidation`).
 */
export class MetadataCodeLensProvider extends DisposableOwner implements vscode.CodeLensProvider {
  private readonly _onDidChangeCodeLenses = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;

  constructor(
    private readonly playbooksDir: () => string,
    private readonly model: PlaybookTreeModel,
    private readonly signedIn: () => boolean,
    private readonly log: (message: string) => void = () => {},
  ) {
    super();
    // Refresh only when what a visible metadata.json shows would change: VS Code 1.99 drops the
    // commands of lenses replaced while they render (they show as dead text), and a create alone
    // fires several store events.
    const debouncer = this._register(new Debouncer(systemClock, 300, () => void this.refreshIfChanged()));
    this._register(model.onDidChangeData(() => debouncer.trigger()));
    // When an editor is (re)attached to a document, VS Code 1.99 first paints the lenses it cached
    // for it, commands stripped, and does not always recompute them. Asking once more, shortly
    // after a metadata.json becomes active, repaints them live.
    const repaint = this._register(new Debouncer(systemClock, 500, () => this._onDidChangeCodeLenses.fire()));
    this._register(
      vscode.window.onDidChangeActiveTextEditor((ed) => {
        if (ed && locateMetadata(ed.document.uri.fsPath, this.playbooksDir())) repaint.trigger();
      }),
    );
    // A metadata.json that has just opened (the create flow opens one) keeps VS Code 1.99's cached,
    // command-less copy of its lenses until it is asked again once the document has settled; the
    // e2e test needs both asks (SETTLE_ASKS_MS): some runs render live lenses only after the later one.
    this._register(
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (locateMetadata(doc.uri.fsPath, this.playbooksDir())) this.askAgainAfterOpen(doc.uri.toString());
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => this.shown.delete(doc.uri.toString())));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this._onDidChangeCodeLenses.fire()));
    this._register({ dispose: () => this.settleTimers.forEach((timers) => timers.forEach(clearTimeout)) });
    this._register(vscode.languages.registerCodeLensProvider({ language: 'json', scheme: 'file', pattern: '**/metadata.json' }, this));
  }

  private readonly settleTimers = new Map<string, ReturnType<typeof setTimeout>[]>();

  private askAgainAfterOpen(uri: string): void {
    this.settleTimers.get(uri)?.forEach(clearTimeout);
    const timers = SETTLE_ASKS_MS.map((ms, i) =>
      setTimeout(() => {
        if (i === SETTLE_ASKS_MS.length - 1) this.settleTimers.delete(uri);
        this._onDidChangeCodeLenses.fire();
      }, ms),
    );
    this.settleTimers.set(uri, timers);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    this.log(`code lenses requested for ${document.uri.fsPath}`);
    const specs = await this.lensesFor(document);
    this.shown.set(document.uri.toString(), signature(specs));
    this.log(`code lenses for ${document.uri.fsPath}: ${specs.map((l) => l.title).join(' | ')}`);
    const range = new vscode.Range(0, 0, 0, 0);
    // Each lens names one of the extension's commands (registered once, at activation) with its
    // playbook version as the argument: nothing is registered per lens or per document.
    return specs.map((l) => new vscode.CodeLens(range, { title: l.title, command: l.command, arguments: l.arguments, tooltip: l.tooltip }));
  }

  /** What each open document's lenses were, as last provided. */
  private readonly shown = new Map<string, string>();

  private async refreshIfChanged(): Promise<void> {
    for (const ed of vscode.window.visibleTextEditors) {
      const key = ed.document.uri.toString();
      const before = this.shown.get(key);
      if (before === undefined) continue;
      if (signature(await this.lensesFor(ed.document)) !== before) {
        this.log(`code lenses changed for ${ed.document.uri.fsPath}: refreshing`);
        this._onDidChangeCodeLenses.fire();
        return;
      }
    }
  }

  private async lensesFor(document: vscode.TextDocument): Promise<LensSpec[]> {
    const location = locateMetadata(document.uri.fsPath, this.playbooksDir());
    if (!location) return [];
    let ctx: LensContext = { location, latestVersion: undefined, storageStrategy: undefined, sync: undefined, signedIn: this.signedIn(), trusted: vscode.workspace.isTrusted };
    try {
      const list = await this.model.playbooksIn(location.area);
      const summary = list.find((p) => p.playbook_id === location.playbookId);
      ctx = { ...ctx, latestVersion: summary?.version, storageStrategy: summary?.storage_strategy, sync: await this.model.syncState(location.playbookId) };
    } catch {
      // The store could not be read (it says why in the explorer); the lenses still offer Validate.
    }
    return metadataLenses(ctx);
  }
}

/** When to ask VS Code for the lenses again after a metadata.json opens (see the constructor). */
const SETTLE_ASKS_MS = [1500, 4000];

function signature(specs: LensSpec[]): string {
  return JSON.stringify(specs.map((s) => [s.title, s.command, s.arguments]));
}
