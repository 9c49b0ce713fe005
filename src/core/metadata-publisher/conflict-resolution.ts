import type { PlaybookRecord, PublishedMetadata } from '../escher-api/types';
import type { Playbook } from '../playbook-store/types';
import { decideConflict } from './conflict-policy';
import { removeOpsFor } from './outbox';
import type { RunContext } from './run-context';
import type { PublishOp } from './sync-state';

/**
 * Carries out the conflict policy (conflict-policy.ts) for one refused publish: writes what the
 * decision needs locally, records the agreement or the conflict, and saves at once (these write
 * local files, whose agreement must not be lost to a crash). When ours must still reach the
 * server it does not send it itself: it queues the publish first in the outbox, pinned to the
 * server's revision, and hands it back for the driver to send next.
 */
export class ConflictResolver {
  constructor(private readonly ctx: RunContext) {}

  /** Returns the publish to send next, if any. The op that met the conflict is already out of the outbox. */
  async resolve(local: Playbook, published: PublishedMetadata, current: PlaybookRecord | null, moveToSynced: boolean): Promise<PublishOp | undefined> {
    const { ctx } = this;
    const id = local.metadata.playbook_id;
    ctx.seen.delete(id);
    const agreed = ctx.agreements.get(id);
    const tracked = agreed !== undefined;
    const facts = agreed ? { base: await ctx.agreements.base(id), agreedVersion: agreed.remote_version, history: await ctx.local.viewsBetween(local, agreed.local_version) } : { base: undefined };
    const decision = decideConflict({ id, published, current, tracked, ...facts });
    // decideConflict only returns for a current record.
    const record = current as PlaybookRecord;
    switch (decision.kind) {
      case 'keep-local':
        await this.keepLocalAfterServerDelete(id, local);
        return undefined;
      case 'adopt':
        await ctx.agreements.record(await ctx.local.inSynced(moveToSynced, local), record);
        ctx.report.updated.push(id);
        await ctx.save();
        return undefined;
      case 'take-remote': {
        let agreed = local;
        if (decision.write) {
          agreed = await ctx.local.write(id, local, decision.write, decision.remote);
          ctx.report.pulled.push(id);
        }
        await ctx.agreements.record(await ctx.local.inSynced(moveToSynced, agreed), record);
        await ctx.save();
        return undefined;
      }
      case 'send': {
        const toSend = decision.write ? await ctx.local.write(id, local, decision.write, decision.remote) : local;
        if (decision.merged) ctx.report.merged.push(id);
        const op = ctx.publishOp(toSend, moveToSynced);
        op.precondition = { ifMatch: record.revision, idempotencyKey: op.key };
        // What we send holds all of the server's version: that version is the base from now on
        // (saved with the op). Against the older base, a server change of a field merged in here,
        // made before this publish lands (a kill, a lost race), would collide with itself.
        await ctx.agreements.followRevision(id, record);
        // Sent next, before older queued work for other playbooks: it answers a request in flight.
        ctx.state.outbox.unshift(op);
        await ctx.save();
        return op;
      }
      case 'keep-both': {
        // Crash-safe order: the copy of ours first (from its own immutable version folder; a
        // copy with the same content already there is reused, so a repeat makes no second one),
        // then the conflict recorded and saved, and only then the server's version written over
        // ours as the latest. Killed anywhere, ours is never hidden under the server's version
        // without a recorded conflict naming its copy; a repeat of the whole decision changes nothing.
        const copy = await ctx.local.conflictCopy(local);
        const conflict = {
          playbook_id: id,
          kind: 'diverged' as const,
          fields: decision.collisions,
          copy_id: copy.metadata.playbook_id,
          local_version: local.metadata.version,
          remote_version: decision.remote.version,
          // The local version both sides last agreed on: the base a merge of the two starts from.
          ...(agreed ? { base_version: agreed.local_version } : {}),
          detected_at: ctx.iso(),
          message: diverged(id, decision.collisions, copy.metadata.playbook_id, decision.remote.version, decision.remote.version),
        };
        ctx.addConflict(conflict);
        await ctx.save();
        const reset = await ctx.local.writeRemote(id, local, decision.remote);
        // The message names the version the tree shows: the server's content may be written here under a later number.
        conflict.message = diverged(id, decision.collisions, copy.metadata.playbook_id, decision.remote.version, reset.metadata.version);
        await ctx.agreements.record(await ctx.local.inSynced(moveToSynced, reset), record);
        await ctx.save();
        return undefined;
      }
    }
  }

  /** Deleted on the server while changed here: ours is kept in local/, the server's delete stands, reported. */
  async keepLocalAfterServerDelete(id: string, local: Playbook): Promise<void> {
    const { ctx } = this;
    removeOpsFor(ctx.state, id);
    await ctx.agreements.forget(id);
    if (local.area === 'synced') await ctx.local.store.movePlaybook(id, 'local');
    ctx.addConflict({
      playbook_id: id,
      kind: 'deleted_on_server',
      local_version: local.metadata.version,
      detected_at: ctx.iso(),
      message: `${id} was deleted on the server while you changed it here; your version is kept in local/ (publish it again to restore it on the server, or delete it)`,
    });
    await ctx.save();
  }
}

function diverged(id: string, fields: readonly string[], copyId: string, remoteVersion: string, localVersion: string): string {
  const here = localVersion === remoteVersion ? '' : ` (written here as v${localVersion})`;
  return `${id}: ${fields.join(', ')} changed both here and on the server; your version is kept as ${copyId} (in local/), ${id} now holds the server's v${remoteVersion}${here}`;
}
