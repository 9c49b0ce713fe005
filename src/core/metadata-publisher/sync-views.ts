import type { ReviewStatus } from '../escher-api/types';
import type { Area } from '../playbook-store/metadata';
import type { PlaybookConfig } from '../shared/config';
import { legacySyncDir } from './state-migration';
import { isDetached, openConflicts } from './decisions';
import type { PlaybookSummary } from '../playbook-store/types';
import { type ConflictRecord, type OutboxOp, type PlaybookSyncEntry, type SyncState, SyncStateFile, type UnappliedChange, stillUnapplied } from './sync-state';
import { detachedMessage } from './unapplied';

/** A tracked playbook whose server changes are not applied here, for `status`. */
export type NotSyncing = Pick<UnappliedChange, 'playbook_id' | 'kind' | 'remote_version' | 'message'>;

/** Where a playbook stands with the server, most urgent first. */
export type SyncPhase =
  /** Needs the user (see `status`): a diverged edit (the playbook and its conflict copy), or a delete on one side and an edit on the other. */
  | 'conflict'
  /** A queued publish or delete failed and waits for its retry (the detail says why). */
  | 'failed'
  /**
   * Server changes are not applied here (the detail says why and what to do): the playbook no
   * longer syncs — its latest is local_only, or it left synced/ — or the server's record of it
   * could not be applied.
   */
  | 'not_syncing'
  /** Edited here since the last sync, or a publish/delete is queued: the next sync sends it. */
  | 'pending'
  /** The local latest is what the server last agreed on. */
  | 'synced';

/** One playbook's sync state: what `list`, `show` and the explorer tree say about it. */
export interface SyncView {
  /** Server review status as last seen; null when the playbook was never on the server. */
  review_status: ReviewStatus | null;
  review_comment?: string;
  /** Version the server has as latest; null when never synced. */
  remote_version: string | null;
  sync_state: SyncPhase;
  /** One line on why, for `conflict` (the conflict's message), `failed` (the op and its error) and `not_syncing`. */
  detail?: string;
  /** A diverged conflict's copy: the playbook it is the conflict copy of (shown as that playbook's conflict, not a row of its own). */
  conflict_copy_of?: string;
  /** A diverged playbook: its conflict copy, holding the local change. */
  conflict_copy?: string;
}

/** The facts about a playbook's local latest version the view compares with the agreement. */
export interface LocalFacts {
  playbook_id: string;
  area: Area;
  content_hash: string;
  storage_strategy: string;
}

/**
 * The one reader of "what is this playbook's sync state", over one read of sync_state.json
 * (never the network): the CLI's `list` and `show` and the extension's tree all ask it, so they
 * cannot disagree. Cheap to build (one file read, no publisher, no HTTP client), because `list`
 * runs it on every call.
 */
export class SyncViews {
  private readonly ops = new Map<string, OutboxOp[]>();
  private readonly conflicts = new Map<string, ConflictRecord>();
  private readonly unapplied = new Map<string, UnappliedChange>();

  /**
   * `syncing`: a server is configured, so a playbook in synced/ the server never had is sent by
   * the next sync (pending); without one nothing is ever sent and such a playbook has no state.
   */
  constructor(
    private readonly entries: Readonly<Record<string, PlaybookSyncEntry>>,
    outbox: readonly OutboxOp[],
    conflicts: readonly ConflictRecord[],
    unapplied: readonly UnappliedChange[],
    private readonly syncing: boolean,
  ) {
    for (const u of unapplied) if (stillUnapplied(u, entries)) this.unapplied.set(u.playbook_id, u);
    for (const op of outbox) this.ops.set(op.playbook_id, [...(this.ops.get(op.playbook_id) ?? []), op]);
    this.records = conflicts;
    this.index(conflicts);
  }

  private records: readonly ConflictRecord[];

  private index(conflicts: readonly ConflictRecord[]): void {
    this.conflicts.clear();
    // A diverged conflict names the original and the copy holding the local change: both need
    // attention. The newest record of a playbook is the one shown.
    for (const c of conflicts) for (const id of c.copy_id ? [c.playbook_id, c.copy_id] : [c.playbook_id]) this.conflicts.set(id, c);
  }

  /** Whether any conflict is recorded (still open or not: `settle` judges). */
  get hasConflicts(): boolean {
    return this.records.length > 0;
  }

  /**
   * Keeps only the conflicts still open on these local playbooks (every area: decisions.ts
   * openConflicts), the rule `status` and a sync use, so a copy deleted by hand clears its
   * conflict here at once. Returns this.
   */
  settle(locals: readonly Pick<PlaybookSummary, 'playbook_id' | 'area' | 'versions' | 'content_hash'>[]): this {
    this.records = openConflicts({ conflicts: [...this.records], playbooks: this.entries }, new Map(locals.map((s) => [s.playbook_id, s])));
    this.index(this.records);
    return this;
  }

  static from(state: Pick<SyncState, 'playbooks' | 'outbox' | 'conflicts'> & Partial<Pick<SyncState, 'unapplied'>>, options: { syncing: boolean }): SyncViews {
    return new SyncViews(state.playbooks, state.outbox, state.conflicts, state.unapplied ?? [], options.syncing);
  }

  /**
   * The views for a configuration: its sync folder (and the cache folder an older version kept
   * the state in), syncing only when a server and tenant are set — the publisher's own
   * `configured` rule. Every surface reads them this way (CLI list/show/run, VS Code's runs).
   */
  static forConfig(cfg: Pick<PlaybookConfig, 'syncDir' | 'cacheDir' | 'serverUrl' | 'tenantId'>): Promise<SyncViews> {
    return SyncViews.read(cfg.syncDir, { syncing: cfg.serverUrl !== '' && cfg.tenantId !== '', cacheDir: cfg.cacheDir });
  }

  /**
   * One read of `<syncDir>/sync_state.json` (absent: nothing was ever published). `cacheDir`: where
   * an older version kept it, moved first (state-migration.ts).
   */
  static async read(syncDir: string, options: { syncing: boolean; cacheDir?: string }): Promise<SyncViews> {
    const file = new SyncStateFile(syncDir, options.cacheDir !== undefined ? { legacyDir: legacySyncDir(options.cacheDir) } : {});
    return SyncViews.from(await file.read(), options);
  }

  /**
   * Whether `of()` can answer anything for a playbook in `area` — false means undefined whatever
   * its content, so a listing need not parse that playbook's summary to ask.
   */
  mayKnow(id: string, area: Area): boolean {
    return Object.hasOwn(this.entries, id) || this.ops.has(id) || this.conflicts.has(id) || (this.syncing && area === 'synced');
  }

  /** Undefined for a playbook the publisher has nothing to say about (never published, nothing queued). */
  of(p: LocalFacts): SyncView | undefined {
    const e = Object.hasOwn(this.entries, p.playbook_id) ? this.entries[p.playbook_id] : undefined;
    const ops = this.ops.get(p.playbook_id) ?? [];
    const conflict = this.conflicts.get(p.playbook_id);
    const failed = ops.find((o) => o.last_error !== undefined);
    const edited = isEditedSinceSync(p, e, this.syncing);
    if (!e && ops.length === 0 && !conflict && !edited) return undefined;
    const notSyncing = this.notSyncingBecause(p, e);
    const sync_state: SyncPhase = conflict ? 'conflict' : failed ? 'failed' : notSyncing ? 'not_syncing' : ops.length > 0 || edited ? 'pending' : 'synced';
    const detail = conflict ? conflict.message : failed ? `${failed.kind} failed ${failed.attempts}×: ${failed.last_error ?? ''}` : notSyncing;
    return {
      review_status: e?.review_status ?? null,
      ...(e?.review_comment !== undefined ? { review_comment: e.review_comment } : {}),
      remote_version: e?.remote_version ?? null,
      sync_state,
      ...(detail !== undefined ? { detail } : {}),
      ...(conflict?.copy_id === p.playbook_id ? { conflict_copy_of: conflict.playbook_id } : conflict?.copy_id !== undefined ? { conflict_copy: conflict.copy_id } : {}),
    };
  }

  /** Why server changes of this playbook are not applied here, if they are not. */
  private notSyncingBecause(p: LocalFacts, e: PlaybookSyncEntry | undefined): string | undefined {
    const skipped = this.unapplied.get(p.playbook_id);
    if (skipped) return skipped.message;
    return e && isDetached(p, e) ? detachedMessage(p.playbook_id, p, null) : undefined;
  }

  /**
   * Every tracked playbook whose server changes are not applied here (for `status`): skipped
   * server records, and playbooks that no longer sync. `locals`: every area.
   */
  notSyncing(locals: readonly LocalFacts[]): NotSyncing[] {
    const out: NotSyncing[] = [];
    for (const p of locals) {
      const e = Object.hasOwn(this.entries, p.playbook_id) ? this.entries[p.playbook_id] : undefined;
      const skipped = this.unapplied.get(p.playbook_id);
      if (skipped) out.push({ playbook_id: p.playbook_id, kind: skipped.kind, remote_version: skipped.remote_version, message: skipped.message });
      else if (e && isDetached(p, e)) out.push({ playbook_id: p.playbook_id, kind: 'detached', remote_version: null, message: detachedMessage(p.playbook_id, p, null) });
    }
    return out;
  }

  /** The views of every playbook in `locals` the publisher has something to say about. */
  all(locals: readonly LocalFacts[]): Map<string, SyncView> {
    const out = new Map<string, SyncView>();
    for (const p of locals) {
      const v = this.of(p);
      if (v) out.set(p.playbook_id, v);
    }
    return out;
  }
}

/**
 * What the next sync sends as an edit (decisions.ts planLocalChanges): a playbook in synced/,
 * not local_only, whose latest metadata.json is not the one last agreed on — or, while a server
 * is configured, one the server never had.
 */
export function isEditedSinceSync(p: LocalFacts, e: PlaybookSyncEntry | undefined, syncing: boolean): boolean {
  if (p.area !== 'synced' || p.storage_strategy === 'local_only') return false;
  return e ? e.local_hash !== p.content_hash : syncing;
}
