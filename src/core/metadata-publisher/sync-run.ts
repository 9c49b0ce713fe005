import type { Playbook, PlaybookSummary } from '../playbook-store/types';
import { describeError } from '../shared/errors';
import { redact } from '../shared/logger';
import { ConflictResolver } from './conflict-resolution';
import { planLocalChanges } from './decisions';
import { DeleteOperation } from './delete-op';
import { classify, signInAgain } from './errors';
import { enqueue, markFailed, newDeleteOp, removeOp } from './outbox';
import { PublishOperation } from './publish-op';
import { FeedPull } from './feed-pull';
import { RemoteChanges } from './remote-changes';
import { RunContext, type SyncRunDeps } from './run-context';
import type { SyncReport } from './sync-report';
import type { OutboxOp, PublishOp, SyncState } from './sync-state';

/** Vector follow-ups (publishes that only add the embedding) per sync. */
const VECTORS_PER_SYNC = 50;

/** Completed publishes between two saves of sync_state.json (each save is a full atomic rewrite). */
const CHECKPOINT_EVERY = 25;

/**
 * Merges of one playbook sent in one sync while another device keeps publishing it first; the
 * merge after that waits, queued, for the next sync (a bounded race, not a livelock).
 */
const MERGES_PER_SYNC = 3;

type OpOutcome = 'done' | 'retry';

/**
 * One sync (or one explicit publish) over a loaded state: the driver. It sends the outbox in
 * order (publish-op.ts, delete-op.ts), sends next the publish a conflict resolution hands back,
 * decides what a failure means for the op and the rest of the sync, applies the changes feed
 * (remote-changes.ts), queues local changes (decisions.ts) and saves: at once when an outcome
 * wrote local files, in batches for plain publishes. Not re-entrant: the caller holds the sync
 * lock. Every state change that must survive a crash is saved before the next request.
 */
export class SyncRun {
  /** Set when the server kept failing: the rest of this sync stays local (changes are queued). */
  blocked = false;
  /** Whether anything durable (cursor, agreements, outbox, conflicts) may have changed. */
  touched = false;
  private unsaved = 0;
  /** Per playbook: merges sent in this sync because another device published first. */
  private readonly merges = new Map<string, number>();
  private readonly ctx: RunContext;
  private readonly publishes: PublishOperation;
  private readonly deletes: DeleteOperation;
  private readonly remote: RemoteChanges;

  constructor(
    d: SyncRunDeps,
    readonly state: SyncState,
    readonly report: SyncReport,
  ) {
    this.ctx = new RunContext(d, state, report);
    const conflicts = new ConflictResolver(this.ctx);
    this.publishes = new PublishOperation(this.ctx, conflicts, () => this.checkpoint());
    this.deletes = new DeleteOperation(this.ctx);
    this.remote = new RemoteChanges(this.ctx, conflicts);
  }

  // ---------------------------------------------------------------- outbox

  /**
   * Sends queued ops in order. Stops at the first op that still fails (the server is down or
   * failing: later ops would fail too, and order must hold), and at a merge of a playbook another
   * device keeps winning the race for. `respectBackoff`: skip while the first op's backoff has
   * not passed (background runs).
   */
  async drainOutbox(respectBackoff: boolean): Promise<void> {
    try {
      while (this.state.outbox.length > 0 && !this.blocked) {
        this.touched = true;
        const op = this.state.outbox[0] as OutboxOp;
        if (respectBackoff && op.next_attempt_at > this.ctx.now()) {
          this.blocked = true;
          break;
        }
        if ((this.merges.get(op.playbook_id) ?? 0) > MERGES_PER_SYNC) break;
        if ((await this.execute(op)) === 'retry') break;
      }
    } finally {
      await this.flush();
    }
  }

  /** Counts a completed op; saves every CHECKPOINT_EVERY completions. */
  private async checkpoint(): Promise<void> {
    if (++this.unsaved >= CHECKPOINT_EVERY) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.unsaved === 0) return;
    this.unsaved = 0;
    await this.ctx.save();
  }

  /** One try of `op`; the failure policy for the op (and the rest of the sync) when it fails. */
  private async execute(op: OutboxOp): Promise<OpOutcome> {
    try {
      if (op.kind === 'delete') await this.deletes.execute(op);
      else {
        const next = await this.publishes.execute(op);
        // Queued first in the outbox: the loop sends it next, unless the race has gone on too long.
        if (next) this.countMerge(next);
      }
      return 'done';
    } catch (e) {
      const kind = classify(e);
      if (kind === 'auth') await this.stopForAuth(e);
      if (kind === 'permanent' || kind === 'conflict') {
        // The server will never accept this request as it is (422, or a conflict the op could
        // not resolve): reporting it beats retrying it forever. The change itself is still
        // local and shows in the next sync.
        this.report.failed.push({ playbook_id: op.playbook_id, error: redact(describeError(e)) });
        removeOp(this.state, op.key);
        await this.ctx.save();
        return 'done';
      }
      // Transient (the client already retried the request): the op waits with its backoff, and
      // so does everything behind it.
      markFailed(op, redact(describeError(e)), this.ctx.now(), this.ctx.d.backoff, this.ctx.d.random);
      this.blocked = true;
      this.report.failed.push({ playbook_id: op.playbook_id, error: op.last_error ?? 'failed' });
      this.state.last_error = { code: 'NETWORK', message: op.last_error ?? 'failed' };
      await this.ctx.save();
      return 'retry';
    }
  }

  private countMerge(next: PublishOp): void {
    const n = (this.merges.get(next.playbook_id) ?? 0) + 1;
    this.merges.set(next.playbook_id, n);
    if (n === MERGES_PER_SYNC + 1) {
      this.report.skipped.push({ playbook_id: next.playbook_id, reason: 'changed again on the server while merging (another device keeps publishing it); the merge is sent by the next sync' });
    }
  }

  /** A 401/403: record it and stop the whole sync with "sign in again" (never hammer the server). */
  private async stopForAuth(e: unknown): Promise<never> {
    this.state.last_error = { code: 'AUTH', message: describeError(e) };
    await this.ctx.save();
    throw signInAgain(e);
  }

  /** A read outside the outbox: AUTH stops the sync with "sign in again", other errors pass through. */
  private async stoppingForAuth<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (classify(e) === 'auth') await this.stopForAuth(e);
      throw e;
    }
  }

  // ---------------------------------------------------------------- queue

  /** Queues a publish of `playbook`'s version (persisted with its Idempotency-Key before any request). */
  enqueuePublish(playbook: Playbook, moveToSynced: boolean): PublishOp {
    return enqueue(this.state, this.ctx.publishOp(playbook, moveToSynced)) as PublishOp;
  }

  /** Queues what changed locally since the last agreement (decisions.ts planLocalChanges). */
  async queueLocalChanges(locals: PlaybookSummary[]): Promise<void> {
    const plan = planLocalChanges(this.state, locals, this.ctx.d.vectors ? VECTORS_PER_SYNC : 0);
    this.report.skipped.push(...plan.skipped);
    for (const p of plan.publish) {
      const op = this.enqueuePublish(await this.ctx.d.store.getPlaybook(p.playbook_id, p.version), false);
      if (p.vectorOnly) op.vector_only = true;
    }
    for (const id of plan.delete) enqueue(this.state, newDeleteOp({ playbookId: id, now: this.ctx.now() }));
    for (const d of plan.deleteVersions) enqueue(this.state, newDeleteOp({ playbookId: d.playbook_id, version: d.version, now: this.ctx.now() }));
    if (plan.publish.length || plan.delete.length || plan.deleteVersions.length || plan.openConflicts.length !== this.state.conflicts.length) this.touched = true;
    this.state.conflicts = plan.openConflicts;
  }

  // ---------------------------------------------------------------- pull

  /** Applies the changes feed since the cursor (feed-pull.ts). Only playbooks this home has are tracked. */
  async pull(locals: ReadonlyMap<string, PlaybookSummary>): Promise<boolean> {
    const feed = new FeedPull(this.ctx, this.remote, (fn) => this.stoppingForAuth(fn));
    try {
      return await feed.run(locals);
    } finally {
      if (feed.touched) this.touched = true;
    }
  }
}
