import type { PlaybookRecord, Precondition, PublishedMetadata, VersionRecord } from '../escher-api/types';
import type { Playbook } from '../playbook-store/types';
import type { Clock } from '../shared/clock';
import type { BaseStore } from './base-store';
import { latestVersionRecord } from './decisions';
import { localContentHash, versionsBeside } from './local-writer';
import type { OutboxOp, PlaybookSyncEntry, SyncState } from './sync-state';

/** Content hashes sent per playbook that are remembered (to recognise our own echo). */
const SENT_HASHES_KEPT = 10;

/**
 * What this home and the server last agreed on, per playbook: the entries of sync_state.json
 * (`state.playbooks`) and the merge bases kept beside it (base-store.ts). Both change only here,
 * together, so an entry never names a base of another agreement and forgetting a playbook never
 * leaves half of it behind. Mutates the in-memory state; the caller saves it.
 */
export class Agreements {
  constructor(
    private readonly state: SyncState,
    private readonly bases: BaseStore,
    private readonly clock: Clock,
  ) {}

  get(id: string): PlaybookSyncEntry | undefined {
    return Object.hasOwn(this.state.playbooks, id) ? this.state.playbooks[id] : undefined;
  }

  /**
   * Both sides now hold `local` as `record`'s latest. The entry names the version both sides
   * hold, not whatever is newest locally: a newer local edit made meanwhile must still look
   * changed to the next sync. `sentHash`: the content hash this client just published.
   */
  async record(local: Playbook, record: PlaybookRecord, sentHash?: string): Promise<void> {
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
    const entry: PlaybookSyncEntry = {
      revision: record.revision,
      seq: record.seq,
      local_version: local.metadata.version,
      local_hash: await localContentHash(local),
      remote_version: latest.version,
      remote_hash: latest.metadata.content_hash,
      sent_hashes: sent.slice(-SENT_HASHES_KEPT),
      review_status: latest.review_status,
      ...(latest.review_comment !== undefined ? { review_comment: latest.review_comment } : {}),
      has_vector: latest.has_vector,
      synced_at: new Date(this.clock.now()).toISOString(),
      versions,
    };
    await this.bases.put(latest.metadata, prev?.remote_hash);
    this.state.playbooks[id] = entry;
  }

  /** Nothing is agreed any more (deleted on one side or both): the entry and its base go together. */
  async forget(id: string): Promise<void> {
    this.bases.forget(id, this.get(id)?.remote_hash);
    delete this.state.playbooks[id];
  }

  /**
   * The server moved while the local latest is another version (an unsent edit, or versions kept
   * here): only the server's side of the agreement follows, so that local version still looks
   * changed and is sent with the new revision as If-Match.
   */
  async followRevision(id: string, record: PlaybookRecord): Promise<void> {
    const entry = this.state.playbooks[id];
    const latest = latestVersionRecord(record);
    if (!entry || !latest) return;
    const previous = entry.remote_hash;
    Object.assign(entry, { revision: record.revision, seq: record.seq, remote_version: latest.version, remote_hash: latest.metadata.content_hash });
    await this.bases.put(latest.metadata, previous);
  }

  /** Same content, new revision (a review comment, a vector): no local change, no new base. */
  refresh(id: string, record: PlaybookRecord, latest: VersionRecord): void {
    const entry = this.state.playbooks[id];
    if (!entry) return;
    Object.assign(entry, { revision: record.revision, seq: record.seq, has_vector: latest.has_vector });
    if (latest.review_comment !== undefined) entry.review_comment = latest.review_comment;
    else delete entry.review_comment;
  }

  /** Takes the server's review status of its latest version; true when it changed. */
  noteReview(id: string, latest: VersionRecord): boolean {
    const entry = this.state.playbooks[id];
    if (!entry || latest.review_status === entry.review_status) return false;
    entry.review_status = latest.review_status;
    return true;
  }

  /** Keeps only the agreed versions `keep` accepts (the others were deleted on one side). */
  keepVersions(id: string, keep: (version: string) => boolean): void {
    const entry = this.state.playbooks[id];
    if (entry) entry.versions = entry.versions?.filter(keep);
  }

  /** The published metadata last agreed on (the merge base), verified; undefined when not known. */
  async base(id: string): Promise<PublishedMetadata | undefined> {
    const entry = this.state.playbooks[id];
    return entry ? this.bases.get(id, entry.remote_hash) : undefined;
  }

  /**
   * If-Match is the revision this client last agreed on, read when the op is sent (so an op
   * queued behind another op of the same playbook builds on it). It is stable across a crash:
   * the entry only moves when an op of this playbook completes, and a replay of an op the server
   * already applied is answered from its Idempotency-Key before any precondition is checked.
   * Ops created to answer a conflict carry a pinned precondition (the server's current revision).
   */
  preconditionFor(op: OutboxOp): Precondition {
    if (op.precondition) return { ...op.precondition, idempotencyKey: op.key };
    const entry = this.state.playbooks[op.playbook_id];
    return entry ? { ifMatch: entry.revision, idempotencyKey: op.key } : { ifNoneMatch: '*', idempotencyKey: op.key };
  }
}
