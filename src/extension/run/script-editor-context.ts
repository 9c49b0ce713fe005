import * as vscode from 'vscode';
import { DisposableOwner } from '../util/disposable';
import { targetOfFile } from './run-target';

const KEY = 'escher.editorIsPlaybookScript';

/**
 * The `escher.editorIsPlaybookScript` context key: true while the active editor shows a script of
 * a playbook version in the store, so its editor title offers Run Playbook. (The store's folder is
 * a setting, so a fixed `resourcePath` pattern in package.json cannot say it.)
 */
export class ScriptEditorContext extends DisposableOwner {
  constructor(private readonly playbooksDir: () => string) {
    super();
    this._register(vscode.window.onDidChangeActiveTextEditor((ed) => this.update(ed)));
    this.update(vscode.window.activeTextEditor);
  }

  update(ed: vscode.TextEditor | undefined = vscode.window.activeTextEditor): void {
    const uri = ed?.document.uri;
    const script = uri?.scheme === 'file' ? targetOfFile(uri.fsPath, this.playbooksDir())?.script : undefined;
    void vscode.commands.executeCommand('setContext', KEY, script !== undefined);
  }
}
