import * as vscode from 'vscode';
import { openRunPseudoterminal } from '../run/run-pseudoterminal';
import { ReadOnlyDocuments } from './read-only-documents';
import type { ActiveEditorInfo, DiffSide, InputOptions, LivePickOptions, PickItem, Progress, ReadOnlyDoc, RunTerminal, StepOptions, UiHost } from './ui-host';
import { showLivePick } from './vscode-live-pick';

/** UiHost on the real editor: quick inputs with steps, modal dialogs, the integrated terminal. */
export class VsCodeUi implements UiHost, vscode.Disposable {
  private readonly documents = new ReadOnlyDocuments();

  dispose(): void {
    this.documents.dispose();
  }

  async pick<T>(items: PickItem<T>[], options: StepOptions): Promise<T | undefined> {
    const chosen = await this.quickPick(items, options, false);
    return chosen?.[0];
  }

  async pickMany<T>(items: PickItem<T>[], options: StepOptions): Promise<T[] | undefined> {
    return this.quickPick(items, options, true);
  }

  private quickPick<T>(items: PickItem<T>[], options: StepOptions, many: boolean): Promise<T[] | undefined> {
    type Item = vscode.QuickPickItem & { value: T };
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = options.title;
    qp.placeholder = options.placeholder;
    if (options.step) [qp.step, qp.totalSteps] = options.step;
    qp.canSelectMany = many;
    qp.matchOnDescription = true;
    qp.ignoreFocusOut = true;
    qp.items = items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, value: i.value }));
    const picked = qp.items.filter((_, idx) => items[idx]?.picked);
    // Many: ticked; one: the highlighted row, so Enter keeps the current choice.
    if (many) qp.selectedItems = picked;
    else if (picked.length > 0) qp.activeItems = picked.slice(0, 1);
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: T[] | undefined) => {
        if (done) return;
        done = true;
        resolve(v);
        qp.dispose();
      };
      qp.onDidAccept(() => finish((many ? qp.selectedItems : qp.activeItems.slice(0, 1)).map((i) => i.value)));
      qp.onDidHide(() => finish(undefined));
      qp.show();
    });
  }

  input(options: InputOptions): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder;
    box.value = options.value ?? '';
    box.password = options.password ?? false;
    box.ignoreFocusOut = true;
    if (options.step) [box.step, box.totalSteps] = options.step;
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: string | undefined) => {
        if (done) return;
        done = true;
        resolve(v);
        box.dispose();
      };
      box.onDidChangeValue((v) => {
        box.validationMessage = options.validate?.(v);
      });
      box.onDidAccept(() => {
        const msg = options.validate?.(box.value);
        box.validationMessage = msg;
        if (!msg) finish(box.value);
      });
      box.onDidHide(() => finish(undefined));
      box.show();
    });
  }

  livePick<T>(options: LivePickOptions<T>): Promise<T | undefined> {
    return showLivePick(options);
  }

  async pickFile(options: { title: string; openLabel: string; filters: Record<string, string[]> }): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({ title: options.title, openLabel: options.openLabel, filters: options.filters, canSelectMany: false, canSelectFiles: true, canSelectFolders: false });
    return picked?.[0]?.fsPath;
  }

  async confirm(message: string, options: { detail?: string; confirm: string }): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail: options.detail }, options.confirm);
    return answer === options.confirm;
  }

  info(message: string, ...actions: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showInformationMessage(message, ...actions));
  }

  warn(message: string, ...actions: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showWarningMessage(message, ...actions));
  }

  error(message: string, ...actions: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showErrorMessage(message, ...actions));
  }

  async openFile(file: string, options: { preview?: boolean; line?: number } = {}): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const selection = options.line !== undefined ? new vscode.Range(options.line, 0, options.line, 0) : undefined;
    await vscode.window.showTextDocument(doc, { preview: options.preview ?? true, selection });
  }

  async openDiff(left: DiffSide, right: DiffSide, title: string): Promise<void> {
    const uri = (side: DiffSide) => (typeof side === 'string' ? vscode.Uri.file(side) : this.documents.put(side));
    await vscode.commands.executeCommand('vscode.diff', uri(left), uri(right), title, { preview: false });
  }

  showReadOnly(doc: ReadOnlyDoc): Promise<void> {
    return this.documents.show(doc);
  }

  statusMessage(text: string): void {
    // Routine success: seen in passing, gone by itself, nothing to dismiss.
    vscode.window.setStatusBarMessage(text, 5000);
  }

  async updateSettings(values: Readonly<Record<string, string>>): Promise<void> {
    const config = vscode.workspace.getConfiguration('escher');
    for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
  }

  async withProgress<T>(title: string, task: (progress: Progress) => Promise<T>, options: { cancellable?: boolean } = {}): Promise<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: options.cancellable ?? false }, (p, token) =>
      task({
        report: (message) => p.report({ message }),
        get cancelled() {
          return token.isCancellationRequested;
        },
      }),
    );
  }

  openRunTerminal(name: string): RunTerminal {
    return openRunPseudoterminal(name);
  }

  workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  async openVirtualDocument(uri: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri, true));
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  isTrusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  activeEditor(): ActiveEditorInfo | undefined {
    const ed = vscode.window.activeTextEditor;
    if (!ed) return undefined;
    return { path: ed.document.uri.scheme === 'file' ? ed.document.uri.fsPath : ed.document.fileName, languageId: ed.document.languageId, text: ed.document.getText(), dirty: ed.document.isDirty };
  }

  async documentText(file: string): Promise<string> {
    return (await vscode.workspace.openTextDocument(vscode.Uri.file(file))).getText();
  }

  async executeCommand(command: string, ...args: unknown[]): Promise<void> {
    await vscode.commands.executeCommand(command, ...args);
  }
}
