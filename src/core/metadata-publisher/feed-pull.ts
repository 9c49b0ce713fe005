import type { RejectedRecord } from '../escher-api/types';
import type { PlaybookSummary } from '../playbook-store/types';
import { describeError } from '../shared/errors';
import { redact } from '../shared/logger';
import { classify } from './errors';
import type { RemoteChanges } from './remote-changes';
import type { RunContext } from './run-context';
import { stillUnapplied } from './sync-state';
import { invalidRecordMessage } from './unapplied';

/** Records per page asked of the changes feed. */
const PAGE_SIZE = 500;

/**
 * Pages read in one sync at most: far more than a tenant holds (500 records each), so a feed that
 * keeps answering `more` is a server fault to report, not work to do.
 */
const MAX_PAGES = 1000;

/**
 * Reads the server's changes feed since the cursor and applies it record by record
 * (remote-changes.ts), so that no single record can stop a sync:
 *  - a record that breaks the contract (the client refused it: escher-api/changes-page.ts) is
 *    skipped for good, reported, and kept in `unapplied` for `status` while it stands;
 *  - a record whose applying fails (a script download failing, the disk) is reported and read
 *    again by the next sync: the cursor stops before it, the records after it are still applied
 *    (applying one twice is harmless: records at or below an entry's seq are ignored);
 *  - a feed whose cursor does not move (`more` with a `next` not past `since`), or that never
 *    ends, is reported and left: no loop.
 * Only an authentication failure stops the sync. Saves when local files were written (their
 * agreement must not be lost before the cursor moves on).
 */
export class FeedPull {
  /** Whether the durable state may have changed. */
  touched = false;

  constructor(
    private readonly ctx: RunContext,
    private readonly remote: RemoteChanges,
    /** Runs a request so that a 401/403 stops the sync with "sign in again". */
    private readonly request: <T>(fn: () => Promise<T>) => Promise<T>,
  ) {}

  /** Returns whether local files were written. */
  async run(locals: ReadonlyMap<string, PlaybookSummary>): Promise<boolean> {
    const { ctx } = this;
    const { state } = ctx;
    let since = state.cursor;
    // The cursor may not pass a record that failed to apply: the next sync reads it again.
    let holdAt = Number.POSITIVE_INFINITY;
    let wroteLocal = false;
    for (let pages = 0; ; pages++) {
      if (pages === MAX_PAGES) {
        this.stop(`the server's changes feed did not end after ${MAX_PAGES} pages; stopped reading it (the rest is read by a later sync)`);
        break;
      }
      const page = await this.request(() => ctx.d.api.getChanges(since, PAGE_SIZE));
      if (page.changes.length > 0 || page.rejected?.length) this.touched = true;
      for (const bad of page.rejected ?? []) this.skipInvalid(bad);
      let wrote = false;
      for (const rec of page.changes) {
        ctx.seen.set(rec.playbook_id, rec);
        try {
          if (await this.remote.apply(rec, locals.get(rec.playbook_id))) wrote = true;
        } catch (e) {
          if (classify(e) === 'auth') throw e;
          holdAt = Math.min(holdAt, rec.seq - 1);
          this.fail(rec.playbook_id, `the server's change could not be applied here (tried again by the next sync): ${redact(describeError(e))}`);
        }
      }
      const next = Math.max(since, page.next);
      state.cursor = Math.max(state.cursor, Math.min(next, holdAt));
      if (wrote) {
        wroteLocal = true;
        await ctx.save();
      }
      if (!page.more) break;
      if (page.next <= since) {
        this.stop(`the server's changes feed did not move past ${since} (it answered "more" with next=${page.next}); stopped reading it: the server is misbehaving`);
        break;
      }
      since = next;
    }
    ctx.report.cursor = state.cursor;
    state.unapplied = state.unapplied.filter((u) => stillUnapplied(u, state.playbooks));
    return wroteLocal;
  }

  /** A record the client refused: skipped for good when it is a playbook this home tracks. */
  private skipInvalid(bad: RejectedRecord): void {
    const { ctx } = this;
    if (bad.playbook_id === null) {
      // Which playbook it is cannot be told, so it is not tied to one; said once, here.
      const reason = `a record of the server's changes feed${bad.seq !== null ? ` (seq ${bad.seq})` : ''} could not be read and was skipped: ${bad.issues.slice(0, 2).join('; ')}`;
      ctx.report.skipped.push({ playbook_id: '(unreadable)', reason });
      ctx.d.logger.warn(reason);
      return;
    }
    const entry = ctx.agreements.get(bad.playbook_id);
    // Not a playbook this home has (valid ones are ignored too), or one already agreed on.
    if (!entry || (bad.seq !== null && bad.seq <= entry.seq)) return;
    ctx.addUnapplied({
      playbook_id: bad.playbook_id,
      kind: 'invalid_record',
      revision: bad.revision,
      remote_version: bad.latest_version,
      message: invalidRecordMessage(bad.playbook_id, bad.latest_version, bad.issues),
    });
  }

  private fail(playbookId: string, error: string): void {
    this.ctx.report.failed.push({ playbook_id: playbookId, error });
    this.ctx.state.last_error = { code: 'SYNC', message: `${playbookId}: ${error}` };
  }

  private stop(message: string): void {
    this.ctx.report.failed.push({ playbook_id: '*', error: message });
    this.ctx.state.last_error = { code: 'SERVER', message };
    this.ctx.d.logger.warn(message);
  }
}
