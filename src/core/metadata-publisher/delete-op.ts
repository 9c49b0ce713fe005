import type { PlaybookRecord } from '../escher-api/types';
import type { Playbook } from '../playbook-store/types';
import { NotFoundError } from '../shared/errors';
import { latestVersionRecord } from './decisions';
import { classify, conflictRecord } from './errors';
import { removeOp } from './outbox';
import type { RunContext } from './run-context';
import type { DeleteOp } from './sync-state';

/**
 * Sends one queued delete (a whole playbook, or one version) with the agreed revision as
 * If-Match, and settles the agreement. A playbook deleted here while it changed on the server is
 * not destroyed there: the server's newer version is restored here and reported. Saves at once
 * (deletes are rare and each changes what the next sync plans). Errors other than a conflict or
 * "already gone" are thrown for the driver to classify.
 */
export class DeleteOperation {
  constructor(private readonly ctx: RunContext) {}

  async execute(op: DeleteOp): Promise<void> {
    if (op.version !== undefined) return this.deleteVersion(op, op.version);
    const { ctx } = this;
    const id = op.playbook_id;
    try {
      if (!ctx.agreements.get(id)) {
        // Nothing agreed on any more (e.g. deleted on both sides meanwhile): nothing to delete.
        removeOp(ctx.state, op.key);
        await ctx.save();
        return;
      }
      await ctx.d.api.deletePlaybook(id, ctx.agreements.preconditionFor(op));
    } catch (e) {
      if (classify(e) === 'conflict') {
        removeOp(ctx.state, op.key);
        await this.restoreAfterLocalDelete(id, conflictRecord(e));
        return;
      }
      // Never published or already gone: the delete is done either way.
      if (!isGone(e)) throw e;
    }
    await ctx.agreements.forget(id);
    removeOp(ctx.state, op.key);
    ctx.report.deleted.push(`server:${id}`);
    await ctx.save();
  }

  /**
   * One version deleted here. If-Match is the agreed revision: a 412 means the server changed
   * since the last pull, so the op is dropped and the next sync pulls that change first and plans
   * the delete again (the version stays in the entry's `versions` until the server lacks it).
   */
  private async deleteVersion(op: DeleteOp, version: string): Promise<void> {
    const { ctx } = this;
    const id = op.playbook_id;
    let record: PlaybookRecord | undefined;
    try {
      if (ctx.agreements.get(id)?.versions?.includes(version)) record = await ctx.d.api.deleteVersion(id, version, ctx.agreements.preconditionFor(op));
    } catch (e) {
      if (classify(e) === 'conflict') {
        removeOp(ctx.state, op.key);
        ctx.report.skipped.push({ playbook_id: id, reason: `v${version} not deleted on the server yet: it changed there since the last sync (retried after the next pull)` });
        await ctx.save();
        return;
      }
      // Already gone there: done.
      if (!isGone(e)) throw e;
    }
    removeOp(ctx.state, op.key);
    ctx.agreements.keepVersions(id, (v) => v !== version);
    if (record) {
      ctx.report.deleted.push(`server:${id}@${version}`);
      await this.agreeAfterVersionDelete(id, record);
    }
    await ctx.save();
  }

  /** After a version delete: agree on the server's new latest if it is the local latest. */
  private async agreeAfterVersionDelete(id: string, record: PlaybookRecord): Promise<void> {
    const { agreements } = this.ctx;
    if (!agreements.get(id)) return;
    const latest = latestVersionRecord(record);
    if (record.deleted || !latest) {
      // Its last server version is gone: the server deleted the playbook. What is here (versions it
      // never had) stays, and is published as new by the next sync if it is still in synced/.
      await agreements.forget(id);
      return;
    }
    let local: Playbook | undefined;
    try {
      local = await this.ctx.d.store.getPlaybook(id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
    if (local && local.metadata.version === latest.version) await agreements.record(local, record);
    else await agreements.followRevision(id, record);
  }

  /** Deleted here while someone changed it on the server: the newer server change is not destroyed. */
  private async restoreAfterLocalDelete(id: string, current: PlaybookRecord | null): Promise<void> {
    const { ctx } = this;
    const latest = current && !current.deleted ? latestVersionRecord(current) : undefined;
    if (!current || !latest) {
      await ctx.agreements.forget(id);
      await ctx.save();
      return;
    }
    const restored = await ctx.local.writeRemote(id, undefined, latest.metadata, 'synced');
    await ctx.agreements.record(restored, current);
    ctx.addConflict({
      playbook_id: id,
      kind: 'deleted_locally',
      remote_version: latest.version,
      detected_at: ctx.iso(),
      message: `${id} was deleted here but changed on the server since; the server's v${latest.version} was restored locally (delete it again to remove it everywhere)`,
    });
    await ctx.save();
  }
}

/** The server says it has no such playbook or version: a delete of it is done. */
function isGone(e: unknown): boolean {
  return e instanceof NotFoundError || (e as { status?: number }).status === 404;
}
