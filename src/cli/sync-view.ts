import * as path from 'node:path';
import type { ReviewStatus } from '../core/escher-api/types';
import { SyncStateFile } from '../core/metadata-publisher/sync-state';

/**
 * What `list` and `show` say about a playbook's life on the server, read from the publisher's
 * local state (`<cacheDir>/metadata/sync_state.json`, see sync-state.ts) — never the network.
 *
 * Read through SyncStateFile directly, not through `service.publisher`: building the service's
 * publisher is cheap today, but this path must stay one file read however the publisher grows
 * (HTTP client, embedding model), because `list` runs it on every call.
 */
export type LocalSyncState =
  /** Local latest is what the server last agreed on. */
  | 'synced'
  /** Edited here since the last sync, or a publish/delete is queued: the next sync sends it. */
  | 'pending'
  /** Needs the user (see `status`): a diverged edit, or a delete on one side and an edit on the other. */
  | 'conflict';

export interface SyncView {
  /** Server review status as last seen; null when the playbook was never on the server. */
  review_status: ReviewStatus | null;
  review_comment?: string;
  /** Version the server has as latest; null when never synced. */
  remote_version: string | null;
  sync_state: LocalSyncState;
}

/** Per-playbook facts the view needs from a listing or a `show`. */
export interface LocalFacts {
  playbook_id: string;
  content_hash: string;
  storage_strategy: string;
}

export class SyncViews {
  private constructor(
    private readonly entries: Map<string, { review_status: ReviewStatus; review_comment?: string; remote_version: string; local_hash: string }>,
    private readonly queued: Set<string>,
    private readonly conflicted: Set<string>,
  ) {}

  /** One read of sync_state.json (absent: nothing was ever published, an empty view). */
  static async load(cacheDir: string): Promise<SyncViews> {
    const state = await new SyncStateFile(path.join(cacheDir, 'metadata')).read();
    const entries = new Map(Object.entries(state.playbooks));
    const queued = new Set(state.outbox.map((o) => o.playbook_id));
    // A diverged conflict names the original and the copy holding the local change: both need attention.
    const conflicted = new Set(state.conflicts.flatMap((c) => (c.copy_id ? [c.playbook_id, c.copy_id] : [c.playbook_id])));
    return new SyncViews(entries, queued, conflicted);
  }

  /** Undefined for a playbook the publisher knows nothing about (never published, nothing queued). */
  of(p: LocalFacts): SyncView | undefined {
    if (!this.tracks(p.playbook_id)) return undefined;
    const e = this.entries.get(p.playbook_id);
    const queued = this.queued.has(p.playbook_id);
    const conflicted = this.conflicted.has(p.playbook_id);
    // Same rule as the publisher's `status` (changedSinceSync): a tracked, uploadable playbook
    // whose latest metadata.json is not the one last agreed on will be sent by the next sync.
    const edited = e !== undefined && p.storage_strategy !== 'local_only' && e.local_hash !== p.content_hash;
    return {
      review_status: e?.review_status ?? null,
      ...(e?.review_comment !== undefined ? { review_comment: e.review_comment } : {}),
      remote_version: e?.remote_version ?? null,
      sync_state: conflicted ? 'conflict' : queued || edited ? 'pending' : 'synced',
    };
  }

  /** Whether the publisher knows this playbook at all (else `of()` is undefined whatever the facts). */
  tracks(id: string): boolean {
    return this.entries.has(id) || this.queued.has(id) || this.conflicted.has(id);
  }
}

/** The REVIEW column: "approved", "pending (local changes)", "queued", "rejected (conflict)", "-" never published. */
export function reviewCell(v: SyncView | undefined): string {
  if (!v) return '-';
  if (v.review_status === null) return v.sync_state === 'conflict' ? 'conflict' : 'queued';
  if (v.sync_state === 'synced') return v.review_status;
  return `${v.review_status} (${v.sync_state === 'pending' ? 'local changes' : 'conflict'})`;
}
