import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Precondition, ReviewStatus } from '../escher-api/types';
import { tempSibling, writeFileAtomic } from '../shared/atomic-fs';
import type { Logger } from '../shared/logger';
import { migrateLegacySyncState } from './state-migration';
import type { MergeField } from './three-way-merge';

/** The format tag of sync_state.json (see SyncStateFile). */
export const SYNC_STATE_FORMAT = 'escher-sync/1';

/** What this home and the server last agreed on for one playbook (`playbooks[id]` in sync_state.json). */
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
  /**
   * Versions the server held at the last agreement that were here too or were deleted here
   * since (a version delete not yet sent). A version listed here and missing locally is deleted on
   * the server; one missing from the server's record is deleted here. Absent in files written
   * before version deletes were synced: nothing is propagated until the next agreement.
   */
  versions?: string[];
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
  /** Only to add the embedding vector the server lacks: dropped (not sent) when no vector can be made. */
  vector_only?: boolean;
}

export interface DeleteOp extends OutboxOpBase {
  kind: 'delete';
  /** Only this version (`DELETE /api/playbooks/{id}/versions/{version}`); absent: the whole playbook. */
  version?: string;
}

export type OutboxOp = PublishOp | DeleteOp;

export type ConflictKind =
  /** Same fields or scripts changed on both sides: local change kept as a conflict copy. */
  | 'diverged'
  /** Deleted on the server while edited here: local kept (moved back to local/). */
  | 'deleted_on_server'
  /** Deleted here while changed on the server: the server's version was restored locally. */
  | 'deleted_locally'
  /** Versions deleted on the server while this playbook had unsent changes here: kept here. */
  | 'version_deleted_on_server';

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
  /** `diverged`: the local version of the playbook both sides last agreed on (the merge base), when there was one. */
  base_version?: string;
}

/**
 * What a conflict record is about, so that a newer record replaces only the same one: a conflict
 * copy (diverged), a version kept here (version_deleted_on_server), or the playbook (the others).
 */
export function conflictKey(c: ConflictRecord): string {
  const about = c.kind === 'diverged' ? (c.copy_id ?? '') : c.kind === 'version_deleted_on_server' ? (c.local_version ?? '') : '';
  return `${c.kind}/${c.playbook_id}/${about}`;
}

/**
 * A server change this home did not apply, and will not until something changes (shown by
 * `status` and the sync views): the server's record breaks the contract (`invalid_record`), or the
 * playbook no longer syncs here — its local latest is local_only, or it was moved out of synced/
 * — so nothing goes either way (`detached`). Open while the agreement on the playbook is still
 * `agreed_revision` (stillUnapplied).
 */
export interface UnappliedChange {
  playbook_id: string;
  kind: 'invalid_record' | 'detached';
  /** The server's revision and latest version not applied here (null when unreadable). */
  revision: string | null;
  remote_version: string | null;
  /** The agreed revision when it was skipped: a newer agreement settles it. */
  agreed_revision: string;
  message: string;
  detected_at: string;
}

/** Whether `u` still stands: the playbook is tracked and nothing was agreed on it since. */
export function stillUnapplied(u: UnappliedChange, playbooks: Readonly<Record<string, PlaybookSyncEntry>>): boolean {
  return Object.hasOwn(playbooks, u.playbook_id) && playbooks[u.playbook_id]?.revision === u.agreed_revision;
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
  /** Server changes skipped here, newest per playbook (absent in files written before it existed). */
  unapplied: UnappliedChange[];
}

export function emptySyncState(): SyncState {
  return { format: SYNC_STATE_FORMAT, cursor: 0, last_sync_at: null, last_attempt_at: null, last_error: null, playbooks: agreementsById(), outbox: [], conflicts: [], unapplied: [] };
}

/**
 * `playbooks` without a prototype: a playbook id is any lower-case word, and `constructor` is
 * one — looked up in a plain object it would find Object's constructor and count as agreed.
 */
function agreementsById(entries: Record<string, PlaybookSyncEntry> = {}): Record<string, PlaybookSyncEntry> {
  return Object.assign(Object.create(null) as Record<string, PlaybookSyncEntry>, entries);
}

const LAST_SYNC_FORMAT = 'escher-last-sync/1';

type DurableState = Pick<SyncState, 'format' | 'cursor' | 'playbooks' | 'outbox' | 'conflicts' | 'unapplied'>;

/**
 * The publisher's persistent state, in `$ESCHER_HOME/sync/` (not cache: no cache command reaches
 * it; a home that kept it in `cache/metadata/` is moved on first use, see state-migration.ts):
 *
 * `sync_state.json` — what must change together, written atomically (temp + fsync + rename) as
 * one file, so recording a publish and removing it from the outbox is a single write and a crash
 * leaves the old file or the new one, never a mix. Rewritten only when its content changed (a
 * no-op sync does not rewrite ~4 MB at 10k playbooks). Format `escher-sync/1`:
 * {
 *   "format": "escher-sync/1",
 *   "cursor": 0,                      // changes-feed `seq` already applied (GET /api/changes?since=)
 *   "playbooks": { "<id>": PlaybookSyncEntry },   // what both sides last agreed on
 *   "outbox": [ OutboxOp ],           // pending publishes/deletes, in order, idempotency keys fixed
 *   "conflicts": [ ConflictRecord ],  // needing the user's attention (shown by `status`)
 *   "unapplied": [ UnappliedChange ]  // server changes skipped here (shown by `status`)
 * }
 *
 * `last_sync.json` (the seed's file) — small, rewritten by every sync:
 * { "format": "escher-last-sync/1", "last_sync_at": ISO|null, "last_attempt_at": ISO|null,
 *   "last_error": {code, message}|null }
 *
 * The three-way merge base (the metadata last agreed on) is kept beside them in `base/<id>.json`
 * (see base-store.ts): it is only read when a conflict happens or scripts changed.
 *
 * Local review status lives here, never in the store: metadata.json versions are immutable.
 */
export class SyncStateFile {
  /** sync_state.json */
  readonly file: string;
  /** last_sync.json */
  readonly lastSyncFile: string;
  /**
   * The parsed state as last loaded or saved by this process, with the file's stamp. A
   * long-lived process (extension, `sync --watch`) that finds the stamp unchanged reuses it
   * instead of re-parsing megabytes. Handed out once (load() takes it), re-armed by save(), so
   * a caller that mutated the state and failed before saving never sees its own half-done edits.
   */
  private cached: { stamp: string; state: SyncState } | undefined;
  /** Serialisation of what sync_state.json holds now (skip identical rewrites). */
  private onDisk: { stamp: string; text: string } | undefined;

  private readonly logger: Logger | undefined;
  /** Where an older version kept this state (`<cacheDir>/metadata`): moved here before the first read. */
  private readonly legacyDir: string | undefined;
  private migrated: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    options: { logger?: Logger; legacyDir?: string } = {},
  ) {
    this.file = path.join(dir, 'sync_state.json');
    this.lastSyncFile = path.join(dir, 'last_sync.json');
    this.logger = options.logger;
    this.legacyDir = options.legacyDir;
  }

  /** The move from the legacy folder, once per instance (a failed one is tried again by the next read). */
  private ready(): Promise<void> {
    if (this.legacyDir === undefined) return Promise.resolve();
    this.migrated ??= migrateLegacySyncState(this.legacyDir, this.dir, this.logger ? { logger: this.logger } : {}).catch((e: unknown) => {
      this.migrated = undefined;
      throw e;
    });
    return this.migrated;
  }

  /**
   * A missing file is a first sync. A file that does not parse (it cannot be torn, writes are
   * atomic, but a person may have edited it) is moved aside and sync starts over: every playbook
   * is then re-checked against the server with If-None-Match and adopted when equal, so nothing
   * is overwritten blindly.
   */
  async load(): Promise<SyncState> {
    await this.ready();
    const stamp = await this.stamp();
    const cached = this.cached;
    this.cached = undefined;
    const times = await this.loadLastSync();
    if (cached && stamp !== undefined && cached.stamp === stamp) return { ...cached.state, ...times };
    return { ...(await this.loadDurable(stamp)), ...times };
  }

  /** A fresh read for `status` (never the cached object a sync may be mutating). */
  async read(): Promise<SyncState> {
    await this.ready();
    return { ...(await this.loadDurable(await this.stamp())), ...(await this.loadLastSync()) };
  }

  private async loadDurable(stamp: string | undefined): Promise<DurableState> {
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
      if (stamp !== undefined) this.onDisk = { stamp, text };
      return { format: SYNC_STATE_FORMAT, cursor: parsed.cursor, playbooks: agreementsById(parsed.playbooks), outbox: parsed.outbox, conflicts: parsed.conflicts ?? [], unapplied: parsed.unapplied ?? [] };
    } catch (e) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await fs.rename(this.file, aside).catch(() => undefined);
      this.logger?.warn(`Sync state ${this.file} was unreadable (${(e as Error).message}); moved to ${aside}, starting a full re-check`);
      return emptySyncState();
    }
  }

  private async loadLastSync(): Promise<Pick<SyncState, 'last_sync_at' | 'last_attempt_at' | 'last_error'>> {
    try {
      const p = JSON.parse(await fs.readFile(this.lastSyncFile, 'utf8')) as Partial<SyncState>;
      return { last_sync_at: p.last_sync_at ?? null, last_attempt_at: p.last_attempt_at ?? null, last_error: p.last_error ?? null };
    } catch {
      return { last_sync_at: null, last_attempt_at: null, last_error: null };
    }
  }

  private async stamp(): Promise<string | undefined> {
    try {
      const st = await fs.stat(this.file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return undefined;
    }
  }

  /**
   * Compact JSON; sync_state.json only when it changed, last_sync.json always.
   * `timesOnly`: the caller knows nothing durable changed (a no-op sync): skip even serialising it.
   */
  async save(state: SyncState, options: { timesOnly?: boolean } = {}): Promise<void> {
    if (options.timesOnly && this.onDisk) {
      await this.writeTimes(state);
      if ((await this.stamp()) === this.onDisk.stamp) this.cached = { stamp: this.onDisk.stamp, state };
      return;
    }
    this.cached = undefined;
    const durable: DurableState = { format: state.format, cursor: state.cursor, playbooks: state.playbooks, outbox: state.outbox, conflicts: state.conflicts, unapplied: state.unapplied };
    const text = JSON.stringify(durable);
    const current = await this.stamp();
    if (!this.onDisk || this.onDisk.text !== text || this.onDisk.stamp !== current) {
      await writeFileAtomic(this.file, text);
      const stamp = await this.stamp();
      this.onDisk = stamp === undefined ? undefined : { stamp, text };
    }
    await this.writeTimes(state);
    if (this.onDisk) this.cached = { stamp: this.onDisk.stamp, state };
  }

  /** Atomic (temp + rename) but not fsynced: losing a timestamp to a power cut is harmless. */
  private async writeTimes(state: SyncState): Promise<void> {
    const tmp = tempSibling(this.lastSyncFile);
    try {
      await fs.writeFile(tmp, JSON.stringify({ format: LAST_SYNC_FORMAT, last_sync_at: state.last_sync_at, last_attempt_at: state.last_attempt_at, last_error: state.last_error }));
      await fs.rename(tmp, this.lastSyncFile);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}
