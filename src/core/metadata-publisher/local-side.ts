import type { PublishedMetadata } from '../escher-api/types';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import * as semver from 'semver';
import { type ScriptFetcher, localVersions, versionsBeside, writeConflictCopy, writeLocalVersion } from './local-writer';
import { type MergeView, toMergeView } from './three-way-merge';

/** Local versions since the last agreement looked at for a merge base (a conflict reads each one). */
const HISTORY_VERSIONS = 50;

/**
 * The local side of one sync: the store and the script fetcher bound once, for every write a
 * sync makes into the store (server versions, merges, conflict copies, moves to synced/).
 * The writing rules themselves are in local-writer.ts.
 */
export class LocalSide {
  constructor(
    readonly store: PlaybookStoreApi,
    private readonly fetchScript: ScriptFetcher,
  ) {}

  /** `target` as a new local version of `id` (scripts from `remote` when not already here). */
  write(id: string, local: Playbook | undefined, target: MergeView, remote: PublishedMetadata, area?: 'synced' | 'local'): Promise<Playbook> {
    return writeLocalVersion({ store: this.store, fetchScript: this.fetchScript, id, local, target, remote, area });
  }

  /** The server's version as it is, as a new local version (fast-forward, restore, reset before a conflict copy). */
  writeRemote(id: string, local: Playbook | undefined, remote: PublishedMetadata, area?: 'synced' | 'local'): Promise<Playbook> {
    return this.write(id, local, toMergeView(remote), remote, area);
  }

  /** Keeps `local` as `<id>-conflict-<n>` in local/. */
  conflictCopy(local: Playbook): Promise<Playbook> {
    return writeConflictCopy(this.store, local);
  }

  /** The versions of `id` here, ascending ([] when it is gone). */
  versions(id: string): Promise<string[]> {
    return localVersions(this.store, id);
  }

  /**
   * The merge views of the local versions of `playbook`'s playbook made after `after` and before
   * `playbook` itself, newest first, at most HISTORY_VERSIONS (what it was made from since the
   * last agreement). Only a hint for a better merge base: a version that cannot be read is left
   * out, and without it the merge judges by the older agreed base (more conservative).
   */
  async viewsBetween(playbook: Playbook, after: string): Promise<MergeView[]> {
    const { playbook_id: id, version } = playbook.metadata;
    const between = (await versionsBeside(playbook)).filter((v) => semver.gt(v, after) && semver.lt(v, version)).reverse();
    const views: MergeView[] = [];
    for (const v of between.slice(0, HISTORY_VERSIONS)) {
      try {
        views.push(toMergeView((await this.store.getPlaybook(id, v)).metadata));
      } catch {
        // Deleted meanwhile, or damaged (doctor reports it): not a candidate.
      }
    }
    return views;
  }

  /** `playbook` moved to synced/ when `move` is set (an explicit publish) and it is not there yet. */
  async inSynced(move: boolean, playbook: Playbook): Promise<Playbook> {
    if (!move || playbook.area === 'synced') return playbook;
    const id = playbook.metadata.playbook_id;
    await this.store.movePlaybook(id, 'synced');
    return this.store.getPlaybook(id, playbook.metadata.version);
  }
}
