import type { PlaybookRecord, Precondition, PublishedMetadata, VersionRecord } from '../escher-api/types';
import type { Playbook, PlaybookStoreApi, PlaybookSummary } from '../playbook-store/types';
import type { Clock } from '../shared/clock';
import { NotFoundError, describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { redact } from '../shared/logger';
import type { BackoffPolicy } from './backoff';
import { backoffDelay } from './backoff';
import type { BaseStore } from './base-store';
import type { CountingApi } from './counting-api';
import { classify, conflictRecord, signInAgain } from './errors';
import { embeddingText } from '../local-search/document-text';
import { toPublishedMetadata } from './extract';
import { type ScriptFetcher, localContentHash, localVersions, versionsBeside, writeConflictCopy, writeLocalVersion } from './local-writer';
import { enqueue, markFailed, newDeleteOp, newPublishOp, removeOp, removeOpsFor } from './outbox';
import type { SyncReport } from './sync-report';
import type { ConflictRecord, DeleteOp, OutboxOp, PlaybookSyncEntry, PublishOp, SyncState } from './sync-state';
import { threeWayMerge, toMergeView } from './three-way-merge';
import { uploadMissingScripts } from './script-upload';
import { decideRemote, droppedVersions, latestVersionRecord, planLocalChanges } from './decisions';

export interface VectorProvider {
  /** Sent as vector_model so the server can tell vectors of different models apart. */
  modelId: string;
  embed(text: string): Promise<number[]>;
}

export interface SyncRunDeps {
  store: PlaybookStoreApi;
  api: CountingApi;
  tenant: string;
  bases: BaseStore;
  clock: Clock;
  logger: Logger;
  fetchScript: ScriptFetcher;
  /** Persists `state` atomically (sync_state.json). */
  save: (state: SyncState) => Promise<void>;
  /** Scratch folder for decrypted sensitive scripts during upload (0700, emptied after). */
  scratchDir: string;
  vectors?: VectorProvider;
  onSynced?: (id: string, version: string) => void | Promise<void>;
  backoff: BackoffPolicy;
  random: () => number;
  /** Quick retries of a transient failure inside one sync before the op waits for the next one. */
  inlineRetries: number;
  inlineRetryBaseMs: number;
}

type OpOutcome = 'done' | 'retry';

/** Vector follow-ups (publishes that only add the embedding) per sync. */
const VECTORS_PER_SYNC = 50;

/** Completed publishes between two saves of sync_state.json (each save is a full atomic rewrite). */
const CHECKPOINT_EVERY = 25;

/**
 * One sync (or one explicit publish) over a loaded state. Not re-entrant: the caller holds the
 * sync lock. Every state change that must survive a crash is saved before the next request.
 */
export class SyncRun {
  private conflictDepth = 0;
  /** Set when the server kept failing: the rest of this sync stays local (changes are queued). */
  blocked = false;
  /** Whether anything durable (cursor, agreements, outbox, conflicts) may have changed. */
  touched = false;
  /** Records seen in this sync's changes feed: a publish that would only earn a 412 goes straight to the merge. */
  private readonly seen = new Map<string, PlaybookRecord>();

  constructor(
    private readonly d: SyncRunDeps,
    readonly state: SyncState,
    readonly report: SyncReport,
  ) {}

  private now(): number {
    return this.d.clock.now();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ---------------------------------------------------------------- outbox

  /**
   * Sends queued ops in order. Stops at the first op that still fails after the quick retries
   * (the server is down or failing: later ops would fail too, and order must hold).
   * `respectBackoff`: skip while the first op's backoff has not passed (background runs).
   */
  async drainOutbox(respectBackoff: boolean): Promise<void> {
    try {
      while (this.state.outbox.length > 0 && !this.blocked) {
        this.touched = true;
        const op = this.state.outbox[0] as OutboxOp;
        if (respectBackoff && op.next_attempt_at > this.now()) {
          this.blocked = true;
          break;
        }
        const outcome = await this.execute(op);
        if (outcome === 'retry') break;
      }
    } finally {
      await this.flush();
    }
  }

  private unsaved = 0;

  /** Counts a completed op; saves every CHECKPOINT_EVERY completions. */
  private async checkpoint(): Promise<void> {
    if (++this.unsaved >= CHECKPOINT_EVERY) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.unsaved === 0) return;
    this.unsaved = 0;
    await this.d.save(this.state);
  }

  private async execute(op: OutboxOp): Promise<OpOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (op.kind === 'publish') await this.executePublish(op);
        else await this.executeDelete(op);
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
          await this.d.save(this.state);
          return 'done';
        }
        if (kind === 'transient' && attempt < this.d.inlineRetries) {
          await this.inlineRetryPause(attempt);
          continue;
        }
        markFailed(op, redact(describeError(e)), this.now(), this.d.backoff, this.d.random);
        this.blocked = true;
        this.report.failed.push({ playbook_id: op.playbook_id, error: op.last_error ?? 'failed' });
        this.state.last_error = { code: 'NETWORK', message: op.last_error ?? 'failed' };
        await this.d.save(this.state);
        return 'retry';
      }
    }
  }

  /** A 401/403: record it and stop the whole sync with "sign in again" (never hammer the server). */
  private async stopForAuth(e: unknown): Promise<never> {
    this.state.last_error = { code: 'AUTH', message: describeError(e) };
    await this.d.save(this.state);
    throw signInAgain(e);
  }

  /** The short in-sync pause before retrying a transient failure (backoff with jitter). */
  private inlineRetryPause(attempt: number): Promise<void> {
    return this.sleep(backoffDelay(attempt + 1, { baseMs: this.d.inlineRetryBaseMs, capMs: this.d.inlineRetryBaseMs * 8 }, this.d.random));
  }

  /** A read with the same quick retries as the outbox; AUTH stops the sync with "sign in again". */
  private async withRetries<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const kind = classify(e);
        if (kind === 'auth') await this.stopForAuth(e);
        if (kind !== 'transient' || attempt >= this.d.inlineRetries) throw e;
        await this.inlineRetryPause(attempt);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.d.clock.setTimeout(resolve, ms));
  }

  // ---------------------------------------------------------------- publish

  /** Queues a publish of `version` (persisted with its Idempotency-Key before any request). */
  async enqueuePublish(playbook: Playbook, moveToSynced: boolean): Promise<PublishOp> {
    const published = toPublishedMetadata(playbook.metadata, this.d.tenant);
    const op = newPublishOp({ playbookId: playbook.metadata.playbook_id, version: playbook.metadata.version, contentHash: published.content_hash, moveToSynced, now: this.now() });
    return enqueue(this.state, op) as PublishOp;
  }

  private async executePublish(op: PublishOp): Promise<void> {
    const id = op.playbook_id;
    let local: Playbook;
    try {
      local = await this.d.store.getPlaybook(id, op.version);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      // Deleted locally before it could be sent: nothing to publish (a delete op follows if needed).
      this.report.skipped.push({ playbook_id: id, reason: `version ${op.version} no longer exists locally` });
      removeOp(this.state, op.key);
      await this.d.save(this.state);
      return;
    }
    // The last gate, also for ops replayed from an old outbox: local_only never leaves.
    if (local.metadata.storage_strategy === 'local_only' || local.area === 'ai-generated') {
      this.report.skipped.push({ playbook_id: id, reason: local.area === 'ai-generated' ? 'ai-generated (accept it first)' : 'local_only' });
      removeOp(this.state, op.key);
      await this.d.save(this.state);
      return;
    }
    const published = toPublishedMetadata(local.metadata, this.d.tenant);
    let vector: number[] | undefined;
    if (op.vector_only) {
      const entry = this.state.playbooks[id];
      vector = entry && entry.local_version === op.version && !entry.has_vector ? await this.embed(published) : undefined;
      if (!vector) {
        // Nothing to add (already there, content moved on, or no model): send nothing.
        removeOp(this.state, op.key);
        return;
      }
    }
    // Only for ops whose precondition is the agreed revision: an op answering a conflict is pinned
    // to a newer record than anything the feed showed.
    const seen = op.precondition ? undefined : this.seen.get(id);
    const pre = this.preconditionFor(op);
    if (seen && (pre.ifNoneMatch ? !seen.deleted : seen.revision !== pre.ifMatch)) {
      // The feed already told us the server moved: merge now, and upload nothing for a version
      // number the server may already hold with other bytes.
      this.seen.delete(id);
      removeOp(this.state, op.key);
      await this.resolveConflict(local, published, seen, op.move_to_synced);
      return;
    }
    let record: PlaybookRecord;
    try {
      // An upload for a version the server already published with other bytes is refused (409)
      // like the publish itself would be: both go to the conflict policy.
      await this.uploadMissingScripts(local, published);
      vector ??= await this.embed(published);
      record = await this.d.api.publishMetadata(
        { metadata: published, ...(vector ? { vector, vector_model: this.d.vectors?.modelId } : {}) },
        pre,
      );
    } catch (e) {
      if (classify(e) !== 'conflict') throw e;
      removeOp(this.state, op.key);
      await this.resolveConflict(local, published, conflictRecord(e), op.move_to_synced);
      return;
    }
    const wasKnown = this.state.playbooks[id] !== undefined;
    if (op.move_to_synced && local.area !== 'synced') local = await this.moveToSynced(id, op.version);
    await this.recordAgreement(local, record, published.content_hash);
    (wasKnown ? this.report.updated : this.report.published).push(id);
    removeOp(this.state, op.key);
    // Saved in batches: a crash before the save only replays these ops with their
    // Idempotency-Keys, and the server answers each from its record without applying it again.
    await this.checkpoint();
    await this.notifySynced(id, local.metadata.version);
  }

  /**
   * If-Match is the revision this client last agreed on, read when the op is sent (so an op
   * queued behind another op of the same playbook builds on it). It is stable across a crash:
   * the entry only moves when an op of this playbook completes, and a replay of an op the server
   * already applied is answered from its Idempotency-Key before any precondition is checked.
   * Ops created to answer a conflict carry a pinned precondition (the server's current revision).
   */
  private preconditionFor(op: OutboxOp): Precondition {
    if (op.precondition) return { ...op.precondition, idempotencyKey: op.key };
    const entry = this.state.playbooks[op.playbook_id];
    return entry ? { ifMatch: entry.revision, idempotencyKey: op.key } : { ifNoneMatch: '*', idempotencyKey: op.key };
  }

  private async moveToSynced(id: string, version: string): Promise<Playbook> {
    await this.d.store.movePlaybook(id, 'synced');
    return this.d.store.getPlaybook(id, version);
  }

  private async notifySynced(id: string, version: string): Promise<void> {
    try {
      await this.d.onSynced?.(id, version);
    } catch (e) {
      this.d.logger.warn(`Marking ${id} synced in the local index failed: ${describeError(e)}`);
    }
  }

  private async uploadMissingScripts(local: Playbook, published: PublishedMetadata): Promise<void> {
    const entry = this.state.playbooks[local.metadata.playbook_id];
    const base = entry ? await this.d.bases.get(local.metadata.playbook_id, entry.remote_hash) : undefined;
    await uploadMissingScripts({ api: this.d.api, store: this.d.store, scratchDir: this.d.scratchDir }, local, published, base);
  }

  private async embed(m: PublishedMetadata): Promise<number[] | undefined> {
    if (!this.d.vectors) return undefined;
    try {
      return await this.d.vectors.embed(embeddingText(m));
    } catch (e) {
      // Publishing never waits on the model: the vector follows on a later sync (has_vector=false).
      this.d.logger.warn(`No vector for ${m.playbook_id}: ${describeError(e)}`);
      return undefined;
    }
  }

  private async recordAgreement(local: Playbook, record: PlaybookRecord, sentHash?: string): Promise<void> {
    const id = local.metadata.playbook_id;
    const latest = latestVersionRecord(record);
    if (!latest) throw new Error(`server record for ${id} has no latest version`);
    const prev = this.state.playbooks[id];
    const sent = [...(prev?.sent_hashes ?? [])];
    if (sentHash && !sent.includes(sentHash)) sent.push(sentHash);
    // Versions both sides hold, plus agreed ones deleted here and not yet on the server (their
    // delete is still to be sent, or is retried after a 412).
    const here = new Set(await versionsBeside(local));
    const versions = Object.keys(record.versions).filter((v) => here.has(v) || prev?.versions?.includes(v));
    // The version both sides now hold, not whatever is newest locally: a newer local edit made
    // meanwhile must still look changed to the next sync.
    const entry: PlaybookSyncEntry = {
      revision: record.revision,
      seq: record.seq,
      local_version: local.metadata.version,
      local_hash: await localContentHash(local),
      remote_version: latest.version,
      remote_hash: latest.metadata.content_hash,
      sent_hashes: sent.slice(-10),
      review_status: latest.review_status,
      ...(latest.review_comment !== undefined ? { review_comment: latest.review_comment } : {}),
      has_vector: latest.has_vector,
      synced_at: this.iso(),
      versions,
    };
    await this.d.bases.put(latest.metadata);
    this.state.playbooks[id] = entry;
  }

  // ---------------------------------------------------------------- conflicts

  /**
   * The server refused our change (412: revision moved; 409: the version exists with other
   * content). Policy (docs/sync.md): deleted there → keep ours in local/ and report; same
   * content → adopt; fields that do not collide → merge into a new version and send it; same
   * field or scripts changed both ways → keep both (ours becomes a conflict copy) and report.
   */
  private async resolveConflict(local: Playbook, published: PublishedMetadata, current: PlaybookRecord | null, moveToSynced: boolean): Promise<void> {
    const id = local.metadata.playbook_id;
    const entry = this.state.playbooks[id];
    this.seen.delete(id);
    if (!current) throw new Error(`the server reported a conflict on ${id} without its current record`);
    if (current.deleted || !latestVersionRecord(current)) {
      if (!entry) {
        // A tombstone we never knew: If-None-Match already counts it as absent, so this cannot loop.
        throw new Error(`unexpected conflict publishing ${id} over a deleted record`);
      }
      await this.keepLocalAfterServerDelete(id, local);
      return;
    }
    const remote = (latestVersionRecord(current) as VersionRecord).metadata;
    if (remote.content_hash === published.content_hash) {
      if (moveToSynced && local.area !== 'synced') local = await this.moveToSynced(id, local.metadata.version);
      await this.recordAgreement(local, current);
      this.report.updated.push(id);
      await this.d.save(this.state);
      return;
    }
    const base = entry ? await this.d.bases.get(id, entry.remote_hash) : undefined;
    const merge = threeWayMerge(base && toMergeView(base), toMergeView(published), toMergeView(remote));
    if (merge.collisions.length === 0) {
      if (merge.fromLocal.length === 0) {
        // Nothing of ours is missing there: take the server's content (if it has anything new) and agree.
        let agreed = local;
        if (merge.fromRemote.length > 0) {
          agreed = await writeLocalVersion({ store: this.d.store, fetchScript: this.d.fetchScript, id, local, target: merge.merged, remote });
          this.report.pulled.push(id);
        }
        if (moveToSynced && agreed.area !== 'synced') agreed = await this.moveToSynced(id, agreed.metadata.version);
        await this.recordAgreement(agreed, current);
        await this.d.save(this.state);
        return;
      }
      // Ours has changes the server lacks. A new version is needed when the server's changes must
      // be folded in, or when it already holds our version number with other content (409).
      const clash = current.versions[local.metadata.version];
      const needsNewVersion = merge.fromRemote.length > 0 || (clash !== undefined && clash.metadata.content_hash !== published.content_hash);
      const toSend = needsNewVersion ? await writeLocalVersion({ store: this.d.store, fetchScript: this.d.fetchScript, id, local, target: merge.merged, remote }) : local;
      if (merge.fromRemote.length > 0) this.report.merged.push(id);
      const op = await this.enqueuePublishOver(toSend, current.revision, moveToSynced);
      await this.d.save(this.state);
      if (this.conflictDepth >= 3) return; // a peer racing us: the op stays queued for the next sync
      this.conflictDepth++;
      try {
        await this.execute(op);
      } finally {
        this.conflictDepth--;
      }
      return;
    }
    // Server's version first (it downloads; if that fails nothing was written), then the copy of
    // ours, read from its own immutable version folder, which the new version does not touch.
    const reset = await writeLocalVersion({ store: this.d.store, fetchScript: this.d.fetchScript, id, local, target: toMergeView(remote), remote });
    const copy = await writeConflictCopy(this.d.store, local);
    const synced = moveToSynced && reset.area !== 'synced' ? await this.moveToSynced(id, reset.metadata.version) : reset;
    await this.recordAgreement(synced, current);
    this.addConflict({
      playbook_id: id,
      kind: 'diverged',
      fields: merge.collisions,
      copy_id: copy.metadata.playbook_id,
      local_version: local.metadata.version,
      remote_version: remote.version,
      detected_at: this.iso(),
      message: `${id}: ${merge.collisions.join(', ')} changed both here and on the server; your version is kept as ${copy.metadata.playbook_id} (in local/), ${id} now holds the server's v${remote.version}`,
    });
    await this.d.save(this.state);
  }

  private async enqueuePublishOver(playbook: Playbook, revision: string, moveToSynced: boolean): Promise<PublishOp> {
    const published = toPublishedMetadata(playbook.metadata, this.d.tenant);
    const op = newPublishOp({ playbookId: playbook.metadata.playbook_id, version: playbook.metadata.version, contentHash: published.content_hash, moveToSynced, now: this.now() });
    op.precondition = { ifMatch: revision, idempotencyKey: op.key };
    // Runs next, before older queued work for other playbooks: it answers a request in flight.
    this.state.outbox.unshift(op);
    return op;
  }

  private async keepLocalAfterServerDelete(id: string, local: Playbook): Promise<void> {
    removeOpsFor(this.state, id);
    delete this.state.playbooks[id];
    await this.d.bases.remove(id);
    if (local.area === 'synced') await this.d.store.movePlaybook(id, 'local');
    this.addConflict({
      playbook_id: id,
      kind: 'deleted_on_server',
      local_version: local.metadata.version,
      detected_at: this.iso(),
      message: `${id} was deleted on the server while you changed it here; your version is kept in local/ (publish it again to restore it on the server, or delete it)`,
    });
    await this.d.save(this.state);
  }

  private addConflict(c: ConflictRecord): void {
    this.state.conflicts = this.state.conflicts.filter((x) => !(x.playbook_id === c.playbook_id && x.kind === c.kind));
    this.state.conflicts.push(c);
    this.report.conflicts.push(c);
  }

  // ---------------------------------------------------------------- deletes

  private async executeDelete(op: DeleteOp): Promise<void> {
    if (op.version !== undefined) return this.executeDeleteVersion(op, op.version);
    const id = op.playbook_id;
    try {
      if (!this.state.playbooks[id]) {
        // Nothing agreed on any more (e.g. deleted on both sides meanwhile): nothing to delete.
        removeOp(this.state, op.key);
        await this.d.save(this.state);
        return;
      }
      await this.d.api.deletePlaybook(id, this.preconditionFor(op));
    } catch (e) {
      if (classify(e) === 'conflict') {
        removeOp(this.state, op.key);
        await this.restoreAfterLocalDelete(id, conflictRecord(e));
        return;
      }
      if (e instanceof NotFoundError || (e as { status?: number }).status === 404) {
        // Never published or already gone: the delete is done either way.
      } else throw e;
    }
    delete this.state.playbooks[id];
    await this.d.bases.remove(id);
    removeOp(this.state, op.key);
    this.report.deleted.push(`server:${id}`);
    await this.d.save(this.state);
  }

  /**
   * One version deleted here. If-Match is the agreed revision: a 412 means the server changed
   * since the last pull, so the op is dropped and the next sync pulls that change first and plans
   * the delete again (the version stays in the entry's `versions` until the server lacks it).
   */
  private async executeDeleteVersion(op: DeleteOp, version: string): Promise<void> {
    const id = op.playbook_id;
    const entry = this.state.playbooks[id];
    let record: PlaybookRecord | undefined;
    try {
      if (entry?.versions?.includes(version)) record = await this.d.api.deleteVersion(id, version, this.preconditionFor(op));
    } catch (e) {
      if (classify(e) === 'conflict') {
        removeOp(this.state, op.key);
        this.report.skipped.push({ playbook_id: id, reason: `v${version} not deleted on the server yet: it changed there since the last sync (retried after the next pull)` });
        await this.d.save(this.state);
        return;
      }
      if (!(e instanceof NotFoundError || (e as { status?: number }).status === 404)) throw e;
      // Already gone there: done.
    }
    removeOp(this.state, op.key);
    if (entry) entry.versions = entry.versions?.filter((v) => v !== version);
    if (record) {
      this.report.deleted.push(`server:${id}@${version}`);
      await this.agreeAfterVersionDelete(id, record);
    }
    await this.d.save(this.state);
  }

  /** After a version delete (either side): agree on the server's new latest if it is the local latest. */
  private async agreeAfterVersionDelete(id: string, record: PlaybookRecord): Promise<void> {
    const entry = this.state.playbooks[id];
    const latest = latestVersionRecord(record);
    if (!entry) return;
    if (record.deleted || !latest) {
      // Its last server version is gone: the server deleted the playbook. What is here (versions it
      // never had) stays, and is published as new by the next sync if it is still in synced/.
      delete this.state.playbooks[id];
      await this.d.bases.remove(id);
      return;
    }
    let local: Playbook | undefined;
    try {
      local = await this.d.store.getPlaybook(id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
    if (local && local.metadata.version === latest.version) {
      await this.recordAgreement(local, record);
      return;
    }
    // The latest here is another version (an unsent edit): only follow the server's revision, so
    // that edit is still seen as changed and is sent with the right If-Match.
    Object.assign(entry, { revision: record.revision, seq: record.seq, remote_version: latest.version, remote_hash: latest.metadata.content_hash });
    await this.d.bases.put(latest.metadata);
  }

  /** Deleted here while someone changed it on the server: the newer server change is not destroyed. */
  private async restoreAfterLocalDelete(id: string, current: PlaybookRecord | null): Promise<void> {
    const latest = current && !current.deleted ? latestVersionRecord(current) : undefined;
    if (!current || !latest) {
      delete this.state.playbooks[id];
      await this.d.bases.remove(id);
      await this.d.save(this.state);
      return;
    }
    const restored = await writeLocalVersion({ store: this.d.store, fetchScript: this.d.fetchScript, id, local: undefined, target: toMergeView(latest.metadata), remote: latest.metadata, area: 'synced' });
    await this.recordAgreement(restored, current);
    this.addConflict({
      playbook_id: id,
      kind: 'deleted_locally',
      remote_version: latest.version,
      detected_at: this.iso(),
      message: `${id} was deleted here but changed on the server since; the server's v${latest.version} was restored locally (delete it again to remove it everywhere)`,
    });
    await this.d.save(this.state);
  }

  // ---------------------------------------------------------------- pull

  /** Applies the changes feed since the cursor. Only playbooks this home has are tracked. */
  async pull(locals: Map<string, PlaybookSummary>): Promise<boolean> {
    let touchedLocal = false;
    for (;;) {
      const page = await this.withRetries(() => this.d.api.getChanges(this.state.cursor, 500));
      if (page.changes.length > 0) this.touched = true;
      let wroteLocal = false;
      for (const rec of page.changes) {
        this.seen.set(rec.playbook_id, rec);
        if (await this.applyRemote(rec, locals.get(rec.playbook_id))) wroteLocal = true;
      }
      this.state.cursor = Math.max(this.state.cursor, page.next);
      // Re-applying a page is harmless (records at or below an entry's seq are skipped), so the
      // state is saved here only when local files were written: their agreement must not be lost.
      if (wroteLocal) {
        touchedLocal = true;
        await this.d.save(this.state);
      }
      if (!page.more || page.changes.length === 0) break;
    }
    this.report.cursor = this.state.cursor;
    return touchedLocal;
  }

  private async applyRemote(rec: PlaybookRecord, local: PlaybookSummary | undefined): Promise<boolean> {
    const id = rec.playbook_id;
    const entry = this.state.playbooks[id];
    const action = decideRemote(rec, entry, local, this.state.outbox.some((o) => o.playbook_id === id));
    if (action === 'ignore' || !entry) return false;
    const latest = latestVersionRecord(rec);
    if (latest && latest.review_status !== entry.review_status) {
      this.report.reviewChanges.push({ playbook_id: id, version: latest.version, status: latest.review_status });
      entry.review_status = latest.review_status;
    }
    switch (action) {
      case 'forget':
        delete this.state.playbooks[id];
        await this.d.bases.remove(id);
        removeOpsFor(this.state, id);
        return false;
      case 'keep-local':
        await this.keepLocalAfterServerDelete(id, await this.d.store.getPlaybook(id));
        return true;
      case 'delete-local':
        await this.d.store.deletePlaybook(id);
        delete this.state.playbooks[id];
        await this.d.bases.remove(id);
        this.report.deleted.push(`local:${id}`);
        return true;
      case 'refresh': {
        const v = latest as VersionRecord;
        Object.assign(entry, { revision: rec.revision, seq: rec.seq, has_vector: v.has_vector });
        if (v.review_comment !== undefined) entry.review_comment = v.review_comment;
        else delete entry.review_comment;
        return false;
      }
      case 'delete-versions':
        await this.deleteVersionsHere(rec, entry);
        return true;
      case 'keep-versions': {
        const dropped = droppedVersions(rec, entry);
        Object.assign(entry, {
          revision: rec.revision,
          seq: rec.seq,
          versions: entry.versions?.filter((v) => !dropped.includes(v)),
          remote_version: (latest as VersionRecord).version,
          remote_hash: (latest as VersionRecord).metadata.content_hash,
        });
        await this.d.bases.put((latest as VersionRecord).metadata);
        const kept = dropped.filter((v) => local?.versions.includes(v));
        if (kept.length > 0) {
          this.addConflict({
            playbook_id: id,
            kind: 'version_deleted_on_server',
            local_version: kept[kept.length - 1],
            remote_version: (latest as VersionRecord).version,
            detected_at: this.iso(),
            message: `${id}: v${kept.join(', v')} deleted on the server while you changed ${id} here; kept here (delete ${kept.length > 1 ? 'them' : 'it'} locally to drop ${kept.length > 1 ? 'them' : 'it'}), your change is still sent`,
          });
        }
        return true;
      }
      case 'defer':
        return false;
      case 'fast-forward': {
        const v = latest as VersionRecord;
        const pb = await this.d.store.getPlaybook(id);
        const written = await writeLocalVersion({ store: this.d.store, fetchScript: this.d.fetchScript, id, local: pb, target: toMergeView(v.metadata), remote: v.metadata });
        await this.recordAgreement(written, rec);
        this.report.pulled.push(id);
        return true;
      }
    }
  }

  /**
   * Versions deleted on the server, nothing changed here: delete them here. When the server's
   * latest is not the latest left here, its version is written first (a fast-forward), so the
   * playbook is never left without a version.
   */
  private async deleteVersionsHere(rec: PlaybookRecord, entry: PlaybookSyncEntry): Promise<void> {
    const id = rec.playbook_id;
    const latest = latestVersionRecord(rec) as VersionRecord;
    const here = await localVersions(this.d.store, id);
    const dropped = droppedVersions(rec, entry).filter((v) => here.includes(v));
    const left = here.filter((v) => !dropped.includes(v));
    if (left[left.length - 1] !== latest.version) {
      const written = await writeLocalVersion({ store: this.d.store, fetchScript: this.d.fetchScript, id, local: await this.d.store.getPlaybook(id), target: toMergeView(latest.metadata), remote: latest.metadata });
      this.report.pulled.push(id);
      for (const v of dropped) if (v !== written.metadata.version) await this.d.store.deletePlaybook(id, v);
    } else {
      for (const v of dropped) await this.d.store.deletePlaybook(id, v);
    }
    for (const v of dropped) this.report.deleted.push(`local:${id}@${v}`);
    entry.versions = entry.versions?.filter((v) => rec.versions[v] !== undefined);
    await this.recordAgreement(await this.d.store.getPlaybook(id), rec);
  }

  // ---------------------------------------------------------------- push

  /** Queues what changed locally since the last agreement (decisions.ts planLocalChanges). */
  async queueLocalChanges(locals: PlaybookSummary[]): Promise<void> {
    const plan = planLocalChanges(this.state, locals, this.d.vectors ? VECTORS_PER_SYNC : 0);
    this.report.skipped.push(...plan.skipped);
    for (const p of plan.publish) {
      const op = await this.enqueuePublish(await this.d.store.getPlaybook(p.playbook_id, p.version), false);
      if (p.vectorOnly) op.vector_only = true;
    }
    for (const id of plan.delete) enqueue(this.state, newDeleteOp({ playbookId: id, now: this.now() }));
    for (const d of plan.deleteVersions) enqueue(this.state, newDeleteOp({ playbookId: d.playbook_id, version: d.version, now: this.now() }));
    if (plan.publish.length || plan.delete.length || plan.deleteVersions.length || plan.openConflicts.length !== this.state.conflicts.length) this.touched = true;
    this.state.conflicts = plan.openConflicts;
  }
}
