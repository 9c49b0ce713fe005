/*
 * The sync's two decision tables, as pure functions (docs/sync.md states them in prose):
 * what to do with a record from the server's changes feed, and what local changes to queue.
 * remote-changes.ts and sync-run.ts carry the decisions out; tests check the tables directly.
 * The third table, the conflict policy, is in conflict-policy.ts.
 */
import type { PlaybookRecord, VersionRecord } from '../escher-api/types';
import type { PlaybookSummary } from '../playbook-store/types';
import type { ConflictRecord, PlaybookSyncEntry, SyncState } from './sync-state';

/** The record's latest version, if it has one (a tombstone or an emptied record has none). */
export function latestVersionRecord(rec: PlaybookRecord): VersionRecord | undefined {
  return rec.latest_version ? rec.versions[rec.latest_version] : undefined;
}

export type RemoteAction =
  /** Not a playbook this home tracks, or a revision we already agreed on (our own echo). */
  | 'ignore'
  /** Deleted on both sides: forget it. */
  | 'forget'
  /** Deleted there, changed here: keep ours (moved to local/), report. */
  | 'keep-local'
  /** Deleted there, unchanged here: delete here. */
  | 'delete-local'
  /** Same content, new revision (a review, a vector): record revision and review status. */
  | 'refresh'
  /** Agreed versions deleted there, unchanged here: delete them here too (then agree or fast-forward). */
  | 'delete-versions'
  /** Agreed versions deleted there, changed here: keep them here, report; the local change is sent. */
  | 'keep-versions'
  /** Changed on both sides: the push gets a 412 with this record and merges once. */
  | 'defer'
  /**
   * Changed there while the playbook no longer syncs here (its latest is local_only, or it left
   * synced/): nothing is pushed, so nothing would ever merge it. Not applied; recorded and shown.
   */
  | 'hold'
  /** Changed there only: write the server's version locally. */
  | 'fast-forward';

/**
 * `local` is the store's summary (undefined: deleted here); `pending`: ops of this playbook are
 * still queued (its local change has not reached the server yet).
 */
export function decideRemote(rec: PlaybookRecord, entry: PlaybookSyncEntry | undefined, local: PlaybookSummary | undefined, pending: boolean): RemoteAction {
  if (!entry || rec.revision === entry.revision || rec.seq <= entry.seq) return 'ignore';
  const changedHere = !local || local.content_hash !== entry.local_hash || pending || local.area !== 'synced';
  const latest = latestVersionRecord(rec);
  if (rec.deleted || !latest) {
    if (!local) return 'forget';
    return changedHere ? 'keep-local' : 'delete-local';
  }
  if (droppedVersions(rec, entry).length > 0) return changedHere ? 'keep-versions' : 'delete-versions';
  const movedThere = latest.version !== entry.remote_version || latest.metadata.content_hash !== entry.remote_hash;
  if (!movedThere) return 'refresh';
  if (!changedHere) return 'fast-forward';
  // A queued publish (an explicit `publish` from local/) still merges it when sent.
  return local && !pending && isDetached(local, entry) ? 'hold' : 'defer';
}

/**
 * A tracked playbook that no longer syncs: its latest here is local_only (never sent), or it is
 * not in synced/ any more (only synced/ is sent). Its server changes cannot be merged by a push.
 */
export function isDetached(local: Pick<PlaybookSummary, 'area' | 'content_hash'> & { storage_strategy: string }, entry: PlaybookSyncEntry): boolean {
  return local.area !== 'synced' || (local.storage_strategy === 'local_only' && local.content_hash !== entry.local_hash);
}

/** Versions agreed on that the server's record no longer holds (deleted there one by one). */
export function droppedVersions(rec: PlaybookRecord, entry: PlaybookSyncEntry): string[] {
  return (entry.versions ?? []).filter((v) => rec.versions[v] === undefined);
}

export interface LocalPlan {
  /** Versions to publish, in catalog order. `vectorOnly`: unchanged, only the server's vector is missing. */
  publish: Array<{ playbook_id: string; version: string; vectorOnly: boolean }>;
  /** Tracked playbooks gone from every area here. */
  delete: string[];
  /** Versions the server holds that were deleted here, the playbook itself still being here. */
  deleteVersions: Array<{ playbook_id: string; version: string }>;
  skipped: Array<{ playbook_id: string; reason: string }>;
  /** Conflicts still needing attention (the others were dealt with by the user). */
  openConflicts: ConflictRecord[];
}

/**
 * Compares the catalog with the last agreement. Cost without changes: one pass over the
 * summaries comparing content hashes; no file reads, no requests.
 * `vectorBudget`: how many vector follow-ups to plan (0 without a vector provider), so a first
 * sync with a model does not embed 10k playbooks at once.
 */
export function planLocalChanges(state: SyncState, locals: readonly PlaybookSummary[], vectorBudget: number): LocalPlan {
  const plan: LocalPlan = { publish: [], delete: [], deleteVersions: [], skipped: [], openConflicts: [] };
  const queued = new Map<string, Set<string>>();
  for (const o of state.outbox) {
    const versions = queued.get(o.playbook_id) ?? new Set<string>();
    if (o.kind === 'publish') versions.add(o.version);
    queued.set(o.playbook_id, versions);
  }
  const byId = new Map<string, PlaybookSummary>();
  for (const s of locals) {
    byId.set(s.playbook_id, s);
    if (s.area !== 'synced') continue;
    const entry = state.playbooks[s.playbook_id];
    const gone = (entry?.versions ?? []).filter((v) => !s.versions.includes(v));
    for (const version of gone) plan.deleteVersions.push({ playbook_id: s.playbook_id, version });
    // The agreed latest was deleted and the latest here is now an older version the server has:
    // not an edit. The version delete makes it the latest there too; nothing to publish.
    if (entry && gone.includes(entry.local_version) && entry.versions?.includes(s.version)) continue;
    if (entry && entry.local_hash === s.content_hash) {
      if (!entry.has_vector && vectorBudget > 0 && s.storage_strategy !== 'local_only' && !queued.has(s.playbook_id)) {
        vectorBudget--;
        plan.publish.push({ playbook_id: s.playbook_id, version: entry.local_version, vectorOnly: true });
      }
      continue;
    }
    if (s.storage_strategy === 'local_only') {
      plan.skipped.push({ playbook_id: s.playbook_id, reason: 'local_only: not uploaded (the server keeps its last copy)' });
      continue;
    }
    if (queued.get(s.playbook_id)?.has(s.version)) continue;
    plan.publish.push({ playbook_id: s.playbook_id, version: s.version, vectorOnly: false });
  }
  for (const id of Object.keys(state.playbooks)) if (!byId.has(id)) plan.delete.push(id);
  plan.openConflicts = openConflicts(state, byId);
  return plan;
}

/**
 * The conflicts still needing the user, judged on the local playbooks (by id): the rule every
 * surface uses (a sync's plan, `status`, the tree), so a conflict whose copy was deleted reads as
 * resolved everywhere at once, not only after the next sync.
 */
export function openConflicts(state: Pick<SyncState, 'conflicts' | 'playbooks'>, byId: ReadonlyMap<string, Pick<PlaybookSummary, 'area' | 'versions' | 'content_hash'>>): ConflictRecord[] {
  return state.conflicts.filter((c) => {
    if (c.kind === 'diverged') return c.copy_id !== undefined && byId.get(c.copy_id)?.area === 'local';
    if (c.kind === 'deleted_on_server') return byId.get(c.playbook_id)?.area === 'local';
    // Open while a version the server deleted is still kept here.
    if (c.kind === 'version_deleted_on_server') return c.local_version !== undefined && byId.get(c.playbook_id)?.versions.includes(c.local_version) === true;
    // deleted_locally: open until the restored playbook is touched (deleted again, or edited).
    const e = Object.hasOwn(state.playbooks, c.playbook_id) ? state.playbooks[c.playbook_id] : undefined;
    const s = byId.get(c.playbook_id);
    return e !== undefined && s !== undefined && s.content_hash === e.local_hash;
  });
}
