import type { ReviewStatus } from '../escher-api/types';
import type { PlaybookStoreApi, PlaybookSummary } from '../playbook-store/types';
import type { ConflictRecord, OutboxOp, SyncState, SyncStateFile } from './sync-state';
import { openConflicts } from './decisions';
import { type NotSyncing, type SyncView, SyncViews, isEditedSinceSync } from './sync-views';

export interface SyncStatus {
  serverConfigured: boolean;
  syncEnabled: boolean;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  lastError: { code: string; message: string } | null;
  tracked: number;
  queued: Array<Pick<OutboxOp, 'kind' | 'playbook_id' | 'attempts' | 'last_error'> & { next_attempt_at: string | null }>;
  /** Synced playbooks edited since their last sync (sent by the next sync). */
  changedSinceSync: string[];
  conflicts: ConflictRecord[];
  /**
   * Tracked playbooks whose server changes are not applied here: a server record that could not
   * be applied (skipped), or a playbook that no longer syncs (its latest is local_only, or it left synced/).
   */
  notSyncing: NotSyncing[];
}

export interface ReviewInfo {
  review_status: ReviewStatus;
  review_comment?: string;
  remote_version: string;
  synced_at: string;
  has_vector: boolean;
}

/**
 * The publisher's readers of its own state: `status`, review status, the sync views. Read
 * without the sync lock (the state file is replaced atomically) and never over the network.
 */
export class StatusReader {
  constructor(
    private readonly stateFile: SyncStateFile,
    private readonly store: PlaybookStoreApi,
    private readonly o: { configured: () => boolean; syncEnabled: boolean },
  ) {}

  async status(): Promise<SyncStatus> {
    const state = await this.stateFile.read();
    const locals = await this.store.listPlaybooks();
    const configured = this.o.configured();
    const changed = locals.filter((s) => isEditedSinceSync(s, state.playbooks[s.playbook_id], configured));
    return {
      serverConfigured: configured,
      syncEnabled: this.o.syncEnabled,
      lastSyncAt: state.last_sync_at,
      lastAttemptAt: state.last_attempt_at,
      lastError: state.last_error,
      tracked: Object.keys(state.playbooks).length,
      queued: state.outbox.map((o) => ({
        kind: o.kind,
        playbook_id: o.playbook_id,
        attempts: o.attempts,
        ...(o.last_error !== undefined ? { last_error: o.last_error } : {}),
        next_attempt_at: o.next_attempt_at ? new Date(o.next_attempt_at).toISOString() : null,
      })),
      changedSinceSync: changed.map((s) => s.playbook_id),
      conflicts: open(state, locals),
      notSyncing: SyncViews.from(state, { syncing: configured }).notSyncing(locals),
    };
  }

  /** Review status as last seen from the server; undefined when never synced. */
  async reviewStatus(playbookId: string): Promise<ReviewInfo | undefined> {
    const state = await this.stateFile.read();
    const e = Object.hasOwn(state.playbooks, playbookId) ? state.playbooks[playbookId] : undefined;
    if (!e) return undefined;
    const { review_status, review_comment, remote_version, synced_at, has_vector } = e;
    return { review_status, ...(review_comment !== undefined ? { review_comment } : {}), remote_version, synced_at, has_vector };
  }

  /** Every local playbook's sync state the publisher knows something about (sync-views.ts), by id. */
  async syncViews(): Promise<Map<string, SyncView>> {
    const [state, locals] = await Promise.all([this.stateFile.read(), this.store.listPlaybooks()]);
    return SyncViews.from(state, { syncing: this.o.configured() }).settle(locals).all(locals);
  }
}

/** Conflicts recorded and still open on the local playbooks now (decisions.ts openConflicts). */
function open(state: Pick<SyncState, 'conflicts' | 'playbooks'>, locals: readonly PlaybookSummary[]): ConflictRecord[] {
  return openConflicts(state, new Map(locals.map((s) => [s.playbook_id, s])));
}
