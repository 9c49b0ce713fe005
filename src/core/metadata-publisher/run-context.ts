import type { PlaybookRecord } from '../escher-api/types';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import type { Backoff } from '../shared/backoff';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { Agreements } from './agreements';
import type { BaseStore } from './base-store';
import type { CountingApi } from './counting-api';
import { toPublishedMetadata } from './extract';
import { LocalSide } from './local-side';
import type { ScriptFetcher } from './local-writer';
import { newPublishOp } from './outbox';
import type { SyncReport } from './sync-report';
import { type ConflictRecord, type PublishOp, type SyncState, type UnappliedChange, conflictKey } from './sync-state';
import type { VectorProvider } from './vector-provider';

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
  vectors?: VectorProvider;
  onSynced?: (id: string, version: string) => void | Promise<void>;
  /** How long a failed op waits before a background sync sends it again. */
  backoff: Backoff;
  random: () => number;
}

/**
 * What the parts of one sync run share (the driver in sync-run.ts, the publish and delete
 * operations, the conflict resolution, the applying of remote changes): the loaded state and
 * the report, the agreements over them, the bound local writer, and the records this sync's
 * changes feed showed. Built per run; never outlives the sync lock.
 */
export class RunContext {
  readonly agreements: Agreements;
  readonly local: LocalSide;
  /** Records seen in this sync's changes feed: a publish that would only earn a 412 goes straight to the merge. */
  readonly seen = new Map<string, PlaybookRecord>();

  constructor(
    readonly d: SyncRunDeps,
    readonly state: SyncState,
    readonly report: SyncReport,
  ) {
    this.agreements = new Agreements(state, d.bases, d.clock);
    this.local = new LocalSide(d.store, d.fetchScript);
  }

  now(): number {
    return this.d.clock.now();
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  save(): Promise<void> {
    return this.d.save(this.state);
  }

  /** A publish op for `playbook` with a fresh Idempotency-Key (not queued yet). */
  publishOp(playbook: Playbook, moveToSynced: boolean): PublishOp {
    const published = toPublishedMetadata(playbook.metadata, this.d.tenant);
    return newPublishOp({ playbookId: playbook.metadata.playbook_id, version: playbook.metadata.version, contentHash: published.content_hash, moveToSynced, now: this.now() });
  }

  /**
   * Records a conflict for `status` and the report. It replaces only a record of the same thing
   * (conflictKey): each conflict copy, each kept version has its own, so none drops out of
   * `status` while what it names still exists.
   */
  addConflict(c: ConflictRecord): void {
    const key = conflictKey(c);
    this.state.conflicts = this.state.conflicts.filter((x) => conflictKey(x) !== key);
    this.state.conflicts.push(c);
    this.report.conflicts.push(c);
  }

  /**
   * Records a server change skipped here (for `status` and the sync views; the newest per
   * playbook) and reports it as skipped. The playbook must be tracked: its agreement is what
   * tells when the skip is settled.
   */
  addUnapplied(u: Omit<UnappliedChange, 'agreed_revision' | 'detected_at'>): void {
    const entry = this.agreements.get(u.playbook_id);
    if (!entry) return;
    this.state.unapplied = this.state.unapplied.filter((x) => x.playbook_id !== u.playbook_id);
    this.state.unapplied.push({ ...u, agreed_revision: entry.revision, detected_at: this.iso() });
    this.report.skipped.push({ playbook_id: u.playbook_id, reason: u.message });
  }
}
