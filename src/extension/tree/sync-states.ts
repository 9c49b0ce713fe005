import type { ReviewInfo, SyncStatus } from '../../core/metadata-publisher/publisher';
import type { PlaybookSyncState } from './tree-source';

/**
 * Each playbook's row state from the publisher's status (outbox, conflicts, edits since the last
 * sync) and the review statuses last seen from the server. Precedence: a conflict needs the
 * user, a failed upload says why, a pending change says it is not on the server yet; otherwise
 * the review state.
 */
export function syncStatesFrom(status: SyncStatus, reviews: ReadonlyMap<string, ReviewInfo>): Map<string, PlaybookSyncState> {
  const out = new Map<string, PlaybookSyncState>();
  for (const [id, r] of reviews) {
    out.set(id, { phase: 'synced', review: r.review_status, ...(r.review_comment ? { reviewComment: r.review_comment } : {}), serverVersion: r.remote_version });
  }
  const merge = (id: string, s: Partial<PlaybookSyncState> & Pick<PlaybookSyncState, 'phase'>) => out.set(id, { ...out.get(id), ...s });
  for (const id of status.changedSinceSync) merge(id, { phase: 'pending' });
  for (const q of status.queued) {
    merge(q.playbook_id, q.last_error ? { phase: 'failed', detail: `${q.kind} failed ${q.attempts}×: ${q.last_error}` } : { phase: 'pending' });
  }
  for (const c of status.conflicts) merge(c.playbook_id, { phase: 'conflict', detail: c.message });
  return out;
}
