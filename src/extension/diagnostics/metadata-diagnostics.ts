import * as vscode from 'vscode';
import { locateMetadata } from '../codelens/metadata-location';
import { DisposableOwner } from '../util/disposable';
import type { InvalidMetadataRegistry } from './invalid-metadata-registry';

/**
 * Publishes the registry's problems as diagnostics ("Escher" in the Problems panel), so a
 * metadata.json the store refuses is visible even when the file is not open. Opening or saving a
 * metadata.json in the playbooks folder rechecks it from disk — what the store reads; the
 * editor's unsaved text is covered by the JSON schema registered in package.json.
 */
export class MetadataDiagnostics extends DisposableOwner {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('escher-metadata'));

  constructor(
    private readonly registry: InvalidMetadataRegistry,
    playbooksDir: () => string,
  ) {
    super();
    this._register(registry.onDidChange(() => this.publish()));
    const recheck = (doc: vscode.TextDocument) => {
      if (doc.uri.scheme === 'file' && locateMetadata(doc.uri.fsPath, playbooksDir())) void registry.check([doc.uri.fsPath]);
    };
    this._register(vscode.workspace.onDidOpenTextDocument(recheck));
    this._register(vscode.workspace.onDidSaveTextDocument(recheck));
    this.publish();
  }

  private publish(): void {
    this.collection.clear();
    for (const [file, problems] of this.registry.problemsByFile()) {
      this.collection.set(
        vscode.Uri.file(file),
        problems.map((p) => {
          const d = new vscode.Diagnostic(new vscode.Range(p.start.line, p.start.character, p.end.line, p.end.character), p.message, vscode.DiagnosticSeverity.Error);
          d.source = 'Escher';
          return d;
        }),
      );
    }
  }
}
