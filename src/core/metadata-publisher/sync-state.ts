import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Precondition, ReviewStatus } from '../escher-api/types';
import { writeJsonAtomic } from '../shared/atomic-fs';
import type { Logger } from '../shared/logger';
import type { MergeField } from './three-way-merge';

/**
 * The publisher's persistent state: `$ESCHER_HOME/cache/metadata/last_sync.json` (the seed's
 * file). One file, written atomically (temp + fsync + rename), so the cursor, the per-playbook
 * records and the outbox always change together: recording a publish and removing it from the
 * outbox is a single write, and a crash leaves the old file or the new one, never a mix.
 *
 * Format `escher-sync/1`:
 * {
 *   "format": "escher-sync/1",
 *   "cursor": 0,                      // changes-feed `seq` already applied (GET /api/playbooks/changes?since=)
 *   "last_sync_at": "ISO" | null,     // last sync that finished without a failure
 *   "last_attempt_at": "ISO" | null,
 *   "last_error": {code, message} | null,
 *   "playbooks": { "<id>": PlaybookSyncEntry },   // what both sides last agreed on
 *   "outbox": [ OutboxOp ],           // pending publishes/deletes, in order, idempotency keys fixed
 *   "conflicts": [ ConflictRecord ]   // needing the user's attention (shown by `status`)
 * }
 *
 * The three-way merge base (the metadata last agreed on) is kept beside it in
 * `base/<id>.json` (see base-store.ts): it is only read when a conflict happens, so the hot file
 * stays small (≈350 bytes a playbook).
 *
 * Local review status lives here, never in the store: metadata.json versions are immutable.
 */
export const SYNC_STATE_FORMAT = 'escher-sync/1';

export interface PlaybookSyncEntry {
  /** Server revision at the last agreement: sent as If-Match on the next change. */
  revision: string;
  seq: number;
  /** Local latest version and the store's content_hash of it (sha256 of metadata.json bytes). */
  local_version: string;
  local_hash: string;
  /** Server latest version and its published content_hash. */
  remote_version: string;
  remote_hash: string;
  /** Every published content_hash this client sent for this playbook (newest last, bounded). */
  sent_hashes: string[];
  review_status: ReviewStatus;
  review_comment?: string;
  has_vector: boolean;
  synced_at: string;
}

interface OutboxOpBase {
  /** Idempotency-Key: generated and persisted before the first attempt, reused on every retry. */
  key: string;
  playbook_id: string;
  enqueued_at: string;
  attempts: number;
  /** Epoch ms before which the op is not retried (backoff). */
  next_attempt_at: number;
  last_error?: string;
  /** Pinned precondition (ops answering a conflict); otherwise If-Match comes from the agreed revision at send time. */
  precondition?: Precondition;
}

export interface PublishOp extends OutboxOpBase {
  kind: 'publish';
  /** Local version to publish (versions are immutable, so the request can be rebuilt exactly). */
  version: string;
  /** Published content_hash at enqueue time: a rebuilt request with another hash is dropped. */
  content_hash: string;
  /** Move the playbook local -> synced once the server has it (an explicit `publish`). */
  move_to_synced: boolean;
}

export interface DeleteOp extends OutboxOpBase {
  kind: 'delete';
}

export type OutboxOp = PublishOp | DeleteOp;

export type ConflictKind =
  /** Same fields or scripts changed on both sides: local change kept as a conflict copy. */
  | 'diverged'
  /** Deleted on the server while edited here: local kept (moved back to local/). */
  | 'deleted_on_server'
  /** Deleted here while changed on the server: the server's version was restored locally. */
  | 'deleted_locally';

export interface ConflictRecord {
  playbook_id: string;
  kind: ConflictKind;
  message: string;
  detected_at: string;
  fields?: MergeField[];
  /** Id of the conflict copy holding the local change (`diverged`). */
  copy_id?: string;
  local_version?: string;
  remote_version?: string;
}

export interface SyncState {
  format: typeof SYNC_STATE_FORMAT;
  cursor: number;
  last_sync_at: string | null;
  last_attempt_at: string | null;
  last_error: { code: string; message: string } | null;
  playbooks: Record<string, PlaybookSyncEntry>;
  outbox: OutboxOp[];
  conflicts: ConflictRecord[];
}

export function emptySyncState(): SyncState {
  return { format: SYNC_STATE_FORMAT, cursor: 0, last_sync_at: null, last_attempt_at: null, last_error: null, playbooks: {}, outbox: [], conflicts: [] };
}

export class SyncStateFile {
  readonly file: string;

  constructor(
    readonly dir: string,
    private readonly logger?: Logger,
  ) {
    this.file = path.join(dir, 'last_sync.json');
  }

  /**
   * A missing file is a first sync. A file that does not parse (it cannot be torn, writes are
   * atomic, but a person may have edited it) is moved aside and sync starts over: every playbook
   * is then re-checked against the server with If-None-Match and adopted when equal, so nothing
   * is overwritten blindly.
   */
  async load(): Promise<SyncState> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptySyncState();
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as Partial<SyncState>;
      if (parsed.format !== SYNC_STATE_FORMAT || typeof parsed.cursor !== 'number' || typeof parsed.playbooks !== 'object' || !Array.isArray(parsed.outbox)) {
        throw new Error(`unexpected format ${String(parsed.format)}`);
      }
      return { ...emptySyncState(), ...parsed } as SyncState;
    } catch (e) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await fs.rename(this.file, aside).catch(() => undefined);
      this.logger?.warn(`Sync state ${this.file} was unreadable (${(e as Error).message}); moved to ${aside}, starting a full re-check`);
      return emptySyncState();
    }
  }

  async save(state: SyncState): Promise<void> {
    await writeJsonAtomic(this.file, state);
  }
}
