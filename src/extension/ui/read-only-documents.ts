import * as vscode from 'vscode';
import type { ReadOnlyDoc } from './ui-host';

export const READ_ONLY_SCHEME = 'escher-view';

/**
 * Documents the extension shows but nobody edits (the sync status, a decrypted sensitive script):
 * a TextDocumentContentProvider, so VS Code opens them read-only and never offers to save them,
 * unlike an untitled document. Showing a name again updates an open tab in place.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  /** Holds `doc` (replacing the content of the same name) and returns its URI, without showing it (a diff editor's side). */
  put(doc: ReadOnlyDoc): vscode.Uri {
    // One segment: a name with a slash (a script path) must not become folders in the URI.
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: `/${doc.name.replace(/[\\/]/g, '∕')}` });
    this.contents.set(uri.path, doc.content);
    this.changed.fire(uri);
    return uri;
  }

  async show(doc: ReadOnlyDoc): Promise<void> {
    const uri = this.put(doc);
    let document = await vscode.workspace.openTextDocument(uri);
    if (doc.language && document.languageId !== doc.language) document = await vscode.languages.setTextDocumentLanguage(document, doc.language);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.contents.clear();
  }
}
