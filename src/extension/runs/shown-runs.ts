import type { RunSummary } from '../../core/runner/types';

/**
 * What the Runs view lists, so it is redrawn only when that changes. A redraw replaces every row,
 * and with it the command VS Code keeps for each row's click: a click that lands while a row is
 * replaced runs nothing ("Actual command not found" in the extension host's log). One run ends in
 * two redraw requests — the run's own end, then the journal watcher seeing the same append — and
 * the second changed nothing but could swallow the click on the run that just finished.
 */
export class ShownRuns {
  private key: string | undefined;

  /** The view lists these now (or is about to: a redraw was just requested for them). */
  showing(runs: readonly RunSummary[]): void {
    this.key = JSON.stringify(runs);
  }

  /** Nothing is known to be shown: the next check redraws. */
  forget(): void {
    this.key = undefined;
  }

  /**
   * True when the view should redraw: the journal lists other runs than the view shows, reading it
   * failed (the view then says why), or the view never listed anything — then the journal is not
   * read at all, so a collapsed view still loads nothing.
   */
  async changed(list: () => Promise<RunSummary[]>): Promise<boolean> {
    if (this.key === undefined) return true;
    let runs: RunSummary[];
    try {
      runs = await list();
    } catch {
      this.forget();
      return true;
    }
    if (JSON.stringify(runs) === this.key) return false;
    this.showing(runs);
    return true;
  }
}
