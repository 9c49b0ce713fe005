import type { PlaybookRecord, PublishedMetadata } from '../escher-api/types';
import { embeddingText } from '../local-search/document-text';
import type { Playbook } from '../playbook-store/types';
import { NotFoundError, describeError } from '../shared/errors';
import type { ConflictResolver } from './conflict-resolution';
import { latestVersionRecord } from './decisions';
import { classify, conflictRecord } from './errors';
import { toPublishedMetadata } from './extract';
import { versionsBeside } from './local-writer';
import { removeOp } from './outbox';
import type { RunContext } from './run-context';
import { uploadMissingScripts } from './script-upload';
import type { PublishOp } from './sync-state';

/**
 * Sends one queued publish (Flow 2 steps 2–5): re-reads the version and its strategy, uploads the
 * scripts the server lacks, publishes with the agreed revision as If-Match, moves the playbook to
 * synced/ when asked and records the agreement. A refusal (412/409) goes to the conflict
 * resolution, whose follow-up publish, if any, is returned for the driver to send next.
 * Errors other than a conflict are thrown for the driver to classify.
 */
export class PublishOperation {
  constructor(
    private readonly ctx: RunContext,
    private readonly conflicts: ConflictResolver,
    /** Counts a completed publish; the driver saves in batches. */
    private readonly checkpoint: () => Promise<void>,
  ) {}

  async execute(op: PublishOp): Promise<PublishOp | undefined> {
    const { ctx } = this;
    const id = op.playbook_id;
    let local: Playbook;
    try {
      local = await ctx.d.store.getPlaybook(id, op.version);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      // Deleted locally before it could be sent: nothing to publish (a delete op follows if needed).
      return this.drop(op, `version ${op.version} no longer exists locally`);
    }
    // The last gate, also for ops replayed from an old outbox: local_only never leaves.
    if (local.metadata.storage_strategy === 'local_only' || local.area === 'ai-generated') {
      return this.drop(op, local.area === 'ai-generated' ? 'ai-generated (accept it first)' : 'local_only');
    }
    // Queued by a sync for a version that is no longer the latest here (edited again since: the
    // op waited behind a failure, or a crash kept the sync from reaching the newer one). It is
    // still sent — it may already have been applied before a crash, and only its Idempotency-Key
    // tells that echo of ours apart from another device's change — but a refusal of it is not
    // resolved: a merge written from this stale content would become the latest and bury the
    // newer edits. The newer version, queued by this sync, meets the conflict with what is here now.
    const superseded = !op.move_to_synced && !op.vector_only && (await versionsBeside(local)).at(-1) !== op.version;
    const published = toPublishedMetadata(local.metadata, ctx.d.tenant);
    let vector: number[] | undefined;
    if (op.vector_only) {
      const entry = ctx.agreements.get(id);
      vector = entry && entry.local_version === op.version && !entry.has_vector ? await this.embed(published) : undefined;
      if (!vector) {
        // Nothing to add (already there, content moved on, or no model): send nothing. No save of
        // its own: replayed after a crash, the op is only dropped again.
        removeOp(ctx.state, op.key);
        return undefined;
      }
    }
    // Only for ops whose precondition is the agreed revision: an op answering a conflict is pinned
    // to a newer record than anything the feed showed.
    const seen = op.precondition ? undefined : ctx.seen.get(id);
    const pre = ctx.agreements.preconditionFor(op);
    if (seen && (pre.ifNoneMatch ? !seen.deleted : seen.revision !== pre.ifMatch)) {
      // The feed already told us the server moved: merge now, and upload nothing for a version
      // number the server may already hold with other bytes.
      ctx.seen.delete(id);
      if (superseded) return this.dropSuperseded(op);
      removeOp(ctx.state, op.key);
      return this.conflicts.resolve(local, published, seen, op.move_to_synced);
    }
    let record: PlaybookRecord;
    try {
      // An upload for a version the server already published with other bytes is refused (409)
      // like the publish itself would be: both go to the conflict policy.
      const base = await ctx.agreements.base(id);
      await uploadMissingScripts({ api: ctx.d.api, store: ctx.d.store }, local, published, base);
      vector ??= await this.embed(published);
      record = await ctx.d.api.publishMetadata({ metadata: published, ...(vector ? { vector, vector_model: ctx.d.vectors?.modelId } : {}) }, pre);
    } catch (e) {
      if (classify(e) !== 'conflict') throw e;
      if (superseded) return this.dropSuperseded(op);
      removeOp(ctx.state, op.key);
      return this.conflicts.resolve(local, published, conflictRecord(e), op.move_to_synced);
    }
    if (!op.vector_only && latestVersionRecord(record)?.metadata.content_hash !== published.content_hash) {
      // Accepted, but ours is not the server's latest: a version it already held with these very
      // bytes (a server version written here, whose agreement a kill lost, answered as a no-op)
      // while later ones exist. Not an agreement on the latest: merged like a conflict.
      if (superseded) return this.dropSuperseded(op);
      removeOp(ctx.state, op.key);
      return this.conflicts.resolve(local, published, record, op.move_to_synced);
    }
    const wasKnown = ctx.agreements.get(id) !== undefined;
    local = await ctx.local.inSynced(op.move_to_synced, local);
    await ctx.agreements.record(local, record, published.content_hash);
    (wasKnown ? ctx.report.updated : ctx.report.published).push(id);
    removeOp(ctx.state, op.key);
    // Saved in batches: a crash before the save only replays these ops with their
    // Idempotency-Keys, and the server answers each from its record without applying it again.
    await this.checkpoint();
    await this.notifySynced(id, local.metadata.version);
    return undefined;
  }

  /** A superseded version the server refused: dropped (the newer one is sent instead), nothing written. */
  private async dropSuperseded(op: PublishOp): Promise<undefined> {
    removeOp(this.ctx.state, op.key);
    await this.ctx.save();
    return undefined;
  }

  /** Not sent, for good: reported as skipped and dropped from the outbox at once. */
  private async drop(op: PublishOp, reason: string): Promise<undefined> {
    this.ctx.report.skipped.push({ playbook_id: op.playbook_id, reason });
    removeOp(this.ctx.state, op.key);
    await this.ctx.save();
    return undefined;
  }

  /** Local search's "mark synced": a failure there never fails the publish. */
  private async notifySynced(id: string, version: string): Promise<void> {
    try {
      await this.ctx.d.onSynced?.(id, version);
    } catch (e) {
      this.ctx.d.logger.warn(`Marking ${id} synced in the local index failed: ${describeError(e)}`);
    }
  }

  private async embed(m: PublishedMetadata): Promise<number[] | undefined> {
    const vectors = this.ctx.d.vectors;
    if (!vectors) return undefined;
    try {
      return await vectors.embed(embeddingText(m));
    } catch (e) {
      // Publishing never waits on the model: the vector follows on a later sync (has_vector=false).
      this.ctx.d.logger.warn(`No vector for ${m.playbook_id}: ${describeError(e)}`);
      return undefined;
    }
  }
}
