import * as vscode from 'vscode';
import type { RunJournal } from '../../core/runner/journal';
import { DisposableOwner } from '../util/disposable';
import { RUN_LOG_SCHEME, runIdOfLogPath, runLogText } from './run-log-text';

/**
 * The read-only documents `escher-run:/<run id>.log`: a run's record and its captured output,
 * read from the journal each time VS Code asks (and again when the journal changes, so the log
 * of a run that was still going fills in when it ends).
 */
export class RunLogDocuments extends DisposableOwner implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly journal: () => Promise<RunJournal>) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(RUN_LOG_SCHEME, this));
  }

  /** The journal changed: open run documents are read again. */
  refresh(): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === RUN_LOG_SCHEME) this._onDidChange.fire(doc.uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = runIdOfLogPath(uri.path);
    if (!id) return `Not a run: ${uri.toString()}`;
    try {
      const journal = await this.journal();
      const record = await journal.get(id);
      return runLogText(record, await journal.readLog(record));
    } catch (e) {
      return `Run ${id} could not be read: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
