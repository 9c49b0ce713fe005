import * as path from 'node:path';
import type { RunJournal } from '../../core/runner/journal';
import type { PlaybookRunner } from '../../core/runner/runner';
import type { RunRecord } from '../../core/runner/types';
import type { PlaybookService } from '../../core/service';
import { systemClock } from '../../core/shared/clock';
import type { Disposable } from '../../core/shared/disposable';
import { watchFolder } from '../../core/shared/folder-watch';
import { PreflightProblems } from '../run/preflight-problems';
import type { FindingsReport, RunHost } from '../run/run-host';
import { runnerFor } from '../run/runner-factory';
import { ScriptEditorContext } from '../run/script-editor-context';
import { Debouncer } from '../util/debounce';
import { DisposableOwner } from '../util/disposable';
import { RunLogDocuments } from './run-log-documents';
import { RunsView } from './runs-view';

/**
 * Everything about running playbooks the extension owns, as one part of the container: the run
 * engine over the current service (RunHost for the run flows), the Problems panel's preflight
 * findings, the Runs view, the run log documents, the script editors' context key, and a watcher
 * on the journal ($ESCHER_HOME/runs/journal.jsonl) so a run from the CLI or another window shows.
 */
export class RunsComponent extends DisposableOwner implements RunHost {
  private readonly problems = this._register(new PreflightProblems());
  private readonly view: RunsView;
  private readonly logs: RunLogDocuments;
  private readonly editorContext: ScriptEditorContext;
  private readonly changed = this._register(new Debouncer(systemClock, 300, () => this.journalChanged()));
  private watcher: Disposable[] = [];

  constructor(
    private readonly service: () => Promise<PlaybookService>,
    private readonly home: () => string,
    playbooksDir: () => string,
    log: (message: string) => void,
  ) {
    super();
    const journal = (): Promise<RunJournal> => this.runner().then((r) => r.journal);
    this.view = this._register(new RunsView(journal, (e) => log(`runs view: ${String(e)}`)));
    this.logs = this._register(new RunLogDocuments(journal));
    this.editorContext = this._register(new ScriptEditorContext(playbooksDir));
    this._register({ dispose: () => this.watcher.splice(0).forEach((w) => w.dispose()) });
    this.watch();
  }

  async runner(): Promise<PlaybookRunner> {
    return runnerFor(await this.service());
  }

  showFindings(report: FindingsReport): void {
    this.problems.show(report);
  }

  runEnded(_record: RunRecord): void {
    this.journalChanged();
  }

  /** A run started or ended (here, or the watcher saw one): the view redraws only if its list changed. */
  private journalChanged(): void {
    void this.view.refreshIfChanged();
    this.logs.refresh();
  }

  refresh(): void {
    this.view.refresh();
    this.logs.refresh();
  }

  /** The settings moved the home folder (or the playbooks folder): watch the new journal, re-read the view. */
  reconfigured(): void {
    this.watch();
    this.editorContext.update();
    this.refresh();
  }

  private watch(): void {
    for (const w of this.watcher.splice(0)) w.dispose();
    // Node's watch, in place when it returns (a runs folder made meanwhile is not missed).
    this.watcher.push(
      watchFolder(path.join(this.home(), 'runs'), (name) => {
        if (name === null || name === 'journal.jsonl') this.changed.trigger();
      }),
    );
  }
}
