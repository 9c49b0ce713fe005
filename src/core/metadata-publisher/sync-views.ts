import type { ReviewStatus } from '../escher-api/types';
import type { Area } from '../playbook-store/metadata';
import { legacySyncDir } from './state-migration';
import { type ConflictRecord, type OutboxOp, type PlaybookSyncEntry, type SyncState, SyncStateFile } from './sync-state';

/** Where a playbook stands with the server, most urgent first. */
export type SyncPhase =
  /** Needs the user (see `status`): a diverged edit (the playbook and its conflict copy), or a delete on one side and an edit on the other. */
  | 'conflict'
  /** A queued publish or delete failed and waits for its retry (the detail says why). */
  | 'failed'
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
  /** One line on why, for `conflict` (the conflict's message) and `failed` (the op and its error). */
  detail?: string;
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

  /**
   * `syncing`: a server is configured, so a playbook in synced/ the server never had is sent by
   * the next sync (pending); without one nothing is ever sent and such a playbook has no state.
   */
  constructor(
    private readonly entries: Readonly<Record<string, PlaybookSyncEntry>>,
    outbox: readonly OutboxOp[],
    conflicts: readonly ConflictRecord[],
    private readonly syncing: boolean,
  ) {
    for (const op of outbox) this.ops.set(op.playbook_id, [...(this.ops.get(op.playbook_id) ?? []), op]);
    // A diverged conflict names the original and the copy holding the local change: both need
    // attention. The newest record of a playbook is the one shown.
    for (const c of conflicts) for (const id of c.copy_id ? [c.playbook_id, c.copy_id] : [c.playbook_id]) this.conflicts.set(id, c);
  }

  static from(state: Pick<SyncState, 'playbooks' | 'outbox' | 'conflicts'>, options: { syncing: boolean }): SyncViews {
    return new SyncViews(state.playbooks, state.outbox, state.conflicts, options.syncing);
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
    const sync_state: SyncPhase = conflict ? 'conflict' : failed ? 'failed' : ops.length > 0 || edited ? 'pending' : 'synced';
    const detail = conflict ? conflict.message : failed ? `${failed.kind} failed ${failed.attempts}×: ${failed.last_error ?? ''}` : undefined;
    return {
      review_status: e?.review_status ?? null,
      ...(e?.review_comment !== undefined ? { review_comment: e.review_comment } : {}),
      remote_version: e?.remote_version ?? null,
      sync_state,
      ...(detail !== undefined ? { detail } : {}),
    };
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
