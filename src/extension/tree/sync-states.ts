import type { SyncView } from '../../core/metadata-publisher/sync-views';
import type { PlaybookSyncState } from './tree-source';

/**
 * Each playbook's row state, from the publisher's one reader of sync state (sync-views.ts: the
 * same answer `escher-playbook list` gives), in the tree's own shape.
 */
export function syncStatesFrom(views: ReadonlyMap<string, SyncView>): Map<string, PlaybookSyncState> {
  const out = new Map<string, PlaybookSyncState>();
  for (const [id, v] of views) {
    out.set(id, {
      phase: v.sync_state,
      ...(v.review_status !== null ? { review: v.review_status } : {}),
      ...(v.review_comment ? { reviewComment: v.review_comment } : {}),
      ...(v.remote_version !== null ? { serverVersion: v.remote_version } : {}),
      ...(v.detail !== undefined ? { detail: v.detail } : {}),
      ...(v.conflict_copy !== undefined ? { conflictCopy: v.conflict_copy } : {}),
      ...(v.conflict_copy_of !== undefined ? { conflictCopyOf: v.conflict_copy_of } : {}),
    });
  }
  return out;
}
