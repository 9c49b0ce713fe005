import type { PlaybookConfig } from '../core/shared/config';
import { type SyncView, SyncViews } from '../core/metadata-publisher/sync-views';
import type { PlaybookStoreApi } from '../core/playbook-store/types';

/**
 * The CLI's rendering of a playbook's sync state. The state itself comes from the publisher's one
 * reader (core/metadata-publisher/sync-views.ts), read from local state only — never the network
 * — and without building the publisher (`list` runs this on every call).
 */
export async function loadSyncViews(cfg: Pick<PlaybookConfig, 'syncDir' | 'cacheDir' | 'serverUrl' | 'tenantId'>, store?: Pick<PlaybookStoreApi, 'listPlaybooks'>): Promise<SyncViews> {
  const views = await SyncViews.forConfig(cfg);
  // Conflicts are judged on every local playbook, as `status` judges them (listed only when there are any).
  return store && views.hasConflicts ? views.settle(await store.listPlaybooks()) : views;
}

/**
 * The REVIEW column: "approved", "pending (local changes)", "rejected (conflict)",
 * "approved (send failed)", "approved (not syncing)"; before the server has it: "queued", "failed" or
 * "conflict"; "-" never published.
 */
export function reviewCell(v: SyncView | undefined): string {
  if (!v) return '-';
  if (v.review_status === null) return v.sync_state === 'conflict' || v.sync_state === 'failed' ? v.sync_state : 'queued';
  if (v.sync_state === 'synced') return v.review_status;
  return `${v.review_status} (${{ pending: 'local changes', conflict: 'conflict', failed: 'send failed', not_syncing: 'not syncing' }[v.sync_state]})`;
}
