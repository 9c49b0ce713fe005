import type { ConflictRecord } from './sync-state';

/** What one `syncAllMetadata()` did. Counts are playbooks; bytes and requests are what went over the wire. */
export interface SyncReport {
  /** First publishes (the server did not have the playbook). */
  published: string[];
  /** Changes sent to the server for playbooks it had (including merged ones). */
  updated: string[];
  /** Playbooks whose server-side change (new version, review, field edit) was applied locally. */
  pulled: string[];
  /** Deletes, either way: `local:<id>` removed here because the server deleted it, `server:<id>` the other way. */
  deleted: string[];
  /** Changed on both sides: merged when fields did not collide (`merged`), kept both otherwise. */
  merged: string[];
  conflicts: ConflictRecord[];
  /** Not sent, with the reason (e.g. local_only, open conflict). */
  skipped: Array<{ playbook_id: string; reason: string }>;
  /** Failed this time, still queued (with the error); retried with backoff. */
  failed: Array<{ playbook_id: string; error: string }>;
  /** Outbox operations still queued after this sync. */
  queued: number;
  /** Review statuses that changed on the server (pending → approved/rejected). */
  reviewChanges: Array<{ playbook_id: string; version: string; status: string }>;
  bytesSent: number;
  bytesReceived: number;
  requests: number;
  durationMs: number;
  cursor: number;
  /** Earliest time (epoch ms) a queued op may be retried; the background scheduler uses it. */
  nextRetryAt?: number;
}

export function emptyReport(): SyncReport {
  return {
    published: [],
    updated: [],
    pulled: [],
    deleted: [],
    merged: [],
    conflicts: [],
    skipped: [],
    failed: [],
    queued: 0,
    reviewChanges: [],
    bytesSent: 0,
    bytesReceived: 0,
    requests: 0,
    durationMs: 0,
    cursor: 0,
  };
}

/** One line for people: "sync: 2 published, 1 updated, 0 conflicts, 0 failed (3 requests, 4.1 kB, 120 ms)". */
export function summarizeReport(r: SyncReport): string {
  const parts = [`${r.published.length} published`, `${r.updated.length} updated`, `${r.pulled.length} pulled`, `${r.deleted.length} deleted`];
  if (r.merged.length) parts.push(`${r.merged.length} merged`);
  parts.push(`${r.conflicts.length} conflicts`, `${r.failed.length} failed`);
  if (r.queued) parts.push(`${r.queued} queued`);
  const kb = (r.bytesSent / 1024).toFixed(1);
  return `sync: ${parts.join(', ')} (${r.requests} requests, ${kb} kB sent, ${Math.round(r.durationMs)} ms)`;
}
