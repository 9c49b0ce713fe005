import type { PlaybookRecord, VersionRecord } from '../escher-api/types';
import type { PlaybookSummary } from '../playbook-store/types';
import { detachedMessage } from './unapplied';
import type { ConflictResolver } from './conflict-resolution';
import { decideRemote, droppedVersions, latestVersionRecord } from './decisions';
import { removeOpsFor } from './outbox';
import type { RunContext } from './run-context';

/**
 * Applies one record of the server's changes feed to this home, as decideRemote
 * (decisions.ts) says: fast-forwards, deletes either way, review and revision updates, version
 * deletes. Returns whether local files were written (their agreement must then be saved before
 * the cursor moves on). Does not save: the driver saves per page.
 */
export class RemoteChanges {
  constructor(
    private readonly ctx: RunContext,
    private readonly conflicts: ConflictResolver,
  ) {}

  async apply(rec: PlaybookRecord, local: PlaybookSummary | undefined): Promise<boolean> {
    const { ctx } = this;
    const { agreements, report } = ctx;
    const id = rec.playbook_id;
    const action = decideRemote(rec, agreements.get(id), local, ctx.state.outbox.some((o) => o.playbook_id === id));
    if (action === 'ignore') return false;
    const latest = latestVersionRecord(rec);
    if (latest && agreements.noteReview(id, latest)) report.reviewChanges.push({ playbook_id: id, version: latest.version, status: latest.review_status });
    switch (action) {
      case 'forget':
        await agreements.forget(id);
        removeOpsFor(ctx.state, id);
        return false;
      case 'keep-local':
        await this.conflicts.keepLocalAfterServerDelete(id, await ctx.d.store.getPlaybook(id));
        return true;
      case 'delete-local':
        await ctx.d.store.deletePlaybook(id);
        await agreements.forget(id);
        report.deleted.push(`local:${id}`);
        return true;
      case 'refresh':
        agreements.refresh(id, rec, latest as VersionRecord);
        return false;
      case 'delete-versions':
        await this.deleteVersionsHere(rec);
        return true;
      case 'keep-versions':
        await this.keepVersionsHere(rec, local);
        return true;
      case 'defer':
        return false;
      case 'hold':
        ctx.addUnapplied({ playbook_id: id, kind: 'detached', revision: rec.revision, remote_version: (latest as VersionRecord).version, message: detachedMessage(id, local, (latest as VersionRecord).version) });
        return false;
      case 'fast-forward': {
        const pb = await ctx.d.store.getPlaybook(id);
        const written = await ctx.local.writeRemote(id, pb, (latest as VersionRecord).metadata);
        await agreements.record(written, rec);
        report.pulled.push(id);
        return true;
      }
    }
  }

  /**
   * Versions deleted on the server, nothing changed here: delete them here. When the server's
   * latest is not the latest left here, its version is written first (a fast-forward), so the
   * playbook is never left without a version.
   */
  private async deleteVersionsHere(rec: PlaybookRecord): Promise<void> {
    const { ctx } = this;
    const id = rec.playbook_id;
    const latest = latestVersionRecord(rec) as VersionRecord;
    const entry = ctx.agreements.get(id);
    const here = await ctx.local.versions(id);
    const dropped = entry ? droppedVersions(rec, entry).filter((v) => here.includes(v)) : [];
    const left = here.filter((v) => !dropped.includes(v));
    let keep: string | undefined;
    if (left[left.length - 1] !== latest.version) {
      keep = (await ctx.local.writeRemote(id, await ctx.d.store.getPlaybook(id), latest.metadata)).metadata.version;
      ctx.report.pulled.push(id);
    }
    for (const v of dropped) if (v !== keep) await ctx.d.store.deletePlaybook(id, v);
    for (const v of dropped) ctx.report.deleted.push(`local:${id}@${v}`);
    ctx.agreements.keepVersions(id, (v) => rec.versions[v] !== undefined);
    await ctx.agreements.record(await ctx.d.store.getPlaybook(id), rec);
  }

  /** Versions deleted on the server while this playbook has unsent changes here: kept here, reported. */
  private async keepVersionsHere(rec: PlaybookRecord, local: PlaybookSummary | undefined): Promise<void> {
    const { ctx } = this;
    const id = rec.playbook_id;
    const entry = ctx.agreements.get(id);
    if (!entry) return;
    const latest = latestVersionRecord(rec) as VersionRecord;
    const dropped = droppedVersions(rec, entry);
    ctx.agreements.keepVersions(id, (v) => !dropped.includes(v));
    await ctx.agreements.followRevision(id, rec);
    const kept = dropped.filter((v) => local?.versions.includes(v));
    if (kept.length === 0) return;
    const them = kept.length > 1 ? 'them' : 'it';
    ctx.addConflict({
      playbook_id: id,
      kind: 'version_deleted_on_server',
      local_version: kept[kept.length - 1],
      remote_version: latest.version,
      detected_at: ctx.iso(),
      message: `${id}: v${kept.join(', v')} deleted on the server while you changed ${id} here; kept here (delete ${them} locally to drop ${them}), your change is still sent`,
    });
  }
}
