import type { ReviewStatus } from '../../core/escher-api/types';
import type { SyncPhase } from '../../core/metadata-publisher/sync-views';
import type { Area } from '../../core/playbook-store/metadata';
import type { ModifiedFile, Playbook, PlaybookSummary, StoreChange } from '../../core/playbook-store/types';
import type { InvalidPlaybook } from '../diagnostics/invalid-metadata-registry';
import type { Disposable } from '../../core/shared/disposable';
import type { Event } from '../util/event';

/**
 * What the playbook tree needs from the core: the store's listing and one version's files, plus
 * (when the metadata publisher is there) each playbook's sync and review state. The container
 * adapts the PlaybookService to this; tests hand it a real store on a temp home.
 */
export interface PlaybookTreeSource {
  listPlaybooks(): Promise<PlaybookSummary[]>;
  getPlaybook(id: string, version: string): Promise<Playbook>;
  /** The files of a version that no longer match its metadata.json (modified on disk); absent: not checked. */
  findModifiedFiles?(playbook: Playbook): Promise<ModifiedFile[]>;
  /** Per-playbook sync state, keyed by playbook id; absent entries mean "not tracked by sync". */
  syncStates?(): Promise<ReadonlyMap<string, PlaybookSyncState>>;
  onDidChange?(listener: (change: StoreChange) => void): Disposable;
}

export interface PlaybookSyncState {
  /** The publisher's phase (core/metadata-publisher/sync-views.ts), the same one `escher-playbook list` shows. */
  phase: SyncPhase;
  review?: ReviewStatus;
  reviewComment?: string;
  /** Version last accepted by the server. */
  serverVersion?: string;
  /** One line for the tooltip when phase is conflict/failed. */
  detail?: string;
  /** A diverged playbook's conflict copy (the playbook's row carries the conflict; Resolve Conflict… acts on it). */
  conflictCopy?: string;
  /** This playbook is the conflict copy of that one: not a row of its own while that one is listed. */
  conflictCopyOf?: string;
}

/**
 * The playbooks a listing leaves out because their metadata.json is invalid
 * (InvalidMetadataRegistry): told about each fresh listing, it finds them in the background and
 * fires onDidChange when the rows to show change.
 */
export interface InvalidPlaybookSource {
  afterListing(listed: readonly PlaybookSummary[]): Promise<void>;
  invalidIn(area: Area): InvalidPlaybook[];
  skippedVersions(area: Area, playbookId: string, listed: readonly string[]): Promise<InvalidPlaybook[]>;
  readonly onDidChange: Event<void>;
}
