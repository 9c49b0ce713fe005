import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';
import type { PlaybookTreeModel } from '../tree/playbook-tree-model';
import { type LensContext, metadataLenses } from './metadata-lenses';
import { locateMetadata } from './metadata-location';

/**
 * Code lenses on a version's metadata.json inside the playbooks folder: Upload for Review /
 * Upload Trusted (local), Accept / Discard (AI-generated), the sync and review state, Validate.
 * The state comes from the tree model (one cached listing), so lenses cost nothing per keystroke.
 * Whatever the file holds — invalid JSON included — the lenses render; diagnostics come from the
 * JSON schema registered in package.json (`jsonValidation`).
 */
export class MetadataCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChangeCodeLenses = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;

  constructor(
    private readonly playbooksDir: () => string,
    private readonly model: PlaybookTreeModel,
    private readonly signedIn: () => boolean,
  ) {
    super();
    this._register(model.onDidChangeData(() => this._onDidChangeCodeLenses.fire()));
    this._register(vscode.languages.registerCodeLensProvider({ language: 'json', scheme: 'file', pattern: '**/metadata.json' }, this));
  }

  refresh(): void {
    this._onDidChangeCodeLenses.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const location = locateMetadata(document.uri.fsPath, this.playbooksDir());
    if (!location) return [];
    let ctx: LensContext = { location, latestVersion: undefined, storageStrategy: undefined, sync: undefined, signedIn: this.signedIn() };
    try {
      const list = await this.model.playbooksIn(location.area);
      const summary = list.find((p) => p.playbook_id === location.playbookId);
      ctx = { ...ctx, latestVersion: summary?.version, storageStrategy: summary?.storage_strategy, sync: await this.model.syncState(location.playbookId) };
    } catch {
      // The store could not be read (it says why in the explorer); the lenses still offer Validate.
    }
    const range = new vscode.Range(0, 0, 0, 0);
    return metadataLenses(ctx).map((l) => new vscode.CodeLens(range, { title: l.title, command: l.command, arguments: l.arguments, tooltip: l.tooltip }));
  }
}
