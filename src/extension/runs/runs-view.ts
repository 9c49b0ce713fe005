import * as vscode from 'vscode';
import type { RunJournal } from '../../core/runner/journal';
import type { RunSummary } from '../../core/runner/types';
import { toTreeItem } from '../tree/playbook-tree-provider';
import { DisposableOwner } from '../util/disposable';
import { runRow, runTooltip } from './run-rows';
import { ShownRuns } from './shown-runs';

export const RUNS_VIEW_ID = 'escher.runs';
const SHOWN = 50;

/**
 * The Runs view in the Escher container: the newest runs from the journal ($ESCHER_HOME/runs/),
 * with their status, newest first. It reads the journal again when a run of this window ends and
 * when the journal changes on disk (a CLI run, another window), and redraws only when the runs
 * listed changed (shown-runs.ts says why). The view starts collapsed, so the run engine (and the
 * core bundle) loads only once someone looks.
 */
export class RunsView extends DisposableOwner implements vscode.TreeDataProvider<RunSummary> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly view: vscode.TreeView<RunSummary>;
  private readonly shown = new ShownRuns();

  constructor(
    private readonly journal: () => Promise<RunJournal>,
    private readonly onError: (e: unknown) => void,
  ) {
    super();
    this.view = this._register(vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: this }));
  }

  /** Redraws whatever the journal says (the Refresh command, another home). */
  refresh(): void {
    this.shown.forget();
    this._onDidChangeTreeData.fire();
  }

  /** Redraws when the journal lists other runs than the view shows. */
  async refreshIfChanged(): Promise<void> {
    if (await this.shown.changed(() => this.list())) this._onDidChangeTreeData.fire();
  }

  private async list(): Promise<RunSummary[]> {
    return (await this.journal()).list({ limit: SHOWN });
  }

  async getChildren(node?: RunSummary): Promise<RunSummary[]> {
    if (node) return [];
    try {
      const runs = await this.list();
      this.shown.showing(runs);
      this.view.message = runs.length === 0 ? 'No runs yet. Run a playbook from the Playbooks view, a search result or a script\'s editor title.' : undefined;
      return runs;
    } catch (e) {
      this.shown.forget();
      this.view.message = `Could not read the run journal: ${e instanceof Error ? e.message : String(e)}`;
      this.onError(e);
      return [];
    }
  }

  getTreeItem(r: RunSummary): vscode.TreeItem {
    return toTreeItem(runRow(r, new Date()));
  }

  resolveTreeItem(item: vscode.TreeItem, r: RunSummary): vscode.TreeItem {
    item.tooltip ??= new vscode.MarkdownString(runTooltip(r));
    return item;
  }
}
