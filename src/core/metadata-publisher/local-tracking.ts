import type { PlaybookStoreApi } from '../playbook-store/types';
import type { Clock } from '../shared/clock';
import { Agreements } from './agreements';
import type { BaseStore } from './base-store';
import { removeOpsFor } from './outbox';
import type { SyncLock } from './sync-lock';
import type { SyncStateFile } from './sync-state';

/** What deleting a playbook (or one version) here does beyond this machine. */
export interface DeleteReach {
  /**
   * The server holds what would be deleted and this home tracks it: the next sync deletes it for
   * everyone in the tenant (docs/sync.md, "deleted here, unchanged on the server").
   */
  tenantWide: boolean;
  /** The configured tenant ('' when none is configured any more). */
  tenant: string;
}

export interface LocalTrackingOptions {
  store: PlaybookStoreApi;
  stateFile: SyncStateFile;
  bases: BaseStore;
  lock: SyncLock;
  clock: Clock;
  tenantId: string;
}

/**
 * Which playbooks this home follows on the server, seen from a delete. A tracked playbook (one
 * with an agreement in sync_state.json) that disappears locally is deleted on the server by the
 * next sync, for the whole tenant; deleteHereOnly is the other choice: forget the agreement (and
 * any op queued for it), then delete the local copy. Untracked, it is neither deleted on the
 * server nor pulled back (the changes feed only applies to tracked playbooks); publishing that id
 * again later meets the server's copy as a conflict, never overwrites it.
 */
export class LocalTracking {
  constructor(private readonly o: LocalTrackingOptions) {}

  /** Reads the sync state without the lock (it is replaced atomically). `version`: a version delete. */
  async deleteReach(playbookId: string, version?: string): Promise<DeleteReach> {
    const state = await this.o.stateFile.read();
    const entry = Object.hasOwn(state.playbooks, playbookId) ? state.playbooks[playbookId] : undefined;
    let tenantWide = entry !== undefined;
    if (entry && version !== undefined) {
      // Deleting the only version deletes the playbook (store.deletePlaybook).
      const here = await this.o.store.listVersions(playbookId);
      tenantWide = here.length <= 1 || entry.versions?.includes(version) === true;
    }
    return { tenantWide, tenant: this.o.tenantId };
  }

  /**
   * Removes the playbook from this machine only. Under the sync lock, so no sync sees it missing
   * while still tracked. The agreement is forgotten (and saved) before the files go: a crash in
   * between leaves an untracked copy in synced/, whose next sync meets the server's copy as a
   * conflict — never a delete sent for the tenant.
   */
  async deleteHereOnly(playbookId: string): Promise<void> {
    await this.o.lock.run(async () => {
      const state = await this.o.stateFile.load();
      await new Agreements(state, this.o.bases, this.o.clock).forget(playbookId);
      removeOpsFor(state, playbookId);
      await this.o.stateFile.save(state);
      await this.o.store.deletePlaybook(playbookId);
    });
  }
}
