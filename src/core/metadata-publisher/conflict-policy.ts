import type { PlaybookRecord, PublishedMetadata } from '../escher-api/types';
import { latestVersionRecord } from './decisions';
import * as semver from 'semver';
import { type MergeField, type MergeView, deepEqual, threeWayMerge, toMergeView } from './three-way-merge';

/**
 * The conflict policy (docs/sync.md, "Conflict policy") as a pure decision table: what to do
 * when the server refused our publish (412: its revision moved; 409: it holds our version number
 * with other content) or the changes feed already showed it moved. conflict-resolution.ts
 * carries the decision out; tests check the table directly.
 */
export type ConflictDecision =
  /** Deleted on the server while changed here: keep ours (moved to local/), report. */
  | { kind: 'keep-local' }
  /** The server already holds exactly our content: agree on its record, send nothing. */
  | { kind: 'adopt' }
  /** Nothing of ours is missing there: write the server's content (`write`, when it has anything new) and agree. */
  | { kind: 'take-remote'; remote: PublishedMetadata; write: MergeView | undefined }
  /**
   * Ours has changes the server lacks: send them on top of the server's revision. `write`: a new
   * local version to send first (the server's changes folded in, or our version number taken
   * there with other content); `merged`: the server's changes were folded in.
   */
  | { kind: 'send'; remote: PublishedMetadata; write: MergeView | undefined; merged: boolean }
  /** The same field, or the scripts, changed on both sides (or no base to judge by): keep both. */
  | { kind: 'keep-both'; remote: PublishedMetadata; collisions: MergeField[] };

export interface ConflictFacts {
  id: string;
  /** What we tried to publish. */
  published: PublishedMetadata;
  /** The server's current record, sent with the 412/409 (null when it sent none). */
  current: PlaybookRecord | null;
  /** Whether this home has an agreement on the playbook. */
  tracked: boolean;
  /** The metadata last agreed on (the merge base), when known and verified. */
  base: PublishedMetadata | undefined;
  /** The server version last agreed on, when tracked. */
  agreedVersion?: string;
  /**
   * The local versions made since the agreement, before the one published, newest first (their
   * merge views): where a server version written here lies, under later local edits.
   */
  history?: readonly MergeView[];
}

/**
 * The merge base: the version last agreed on — unless ours, or a local version ours was made
 * from since then, is exactly a server version newer than that (fields and scripts alike). Such a
 * version was written here from the server and a crash lost the agreement before it was saved
 * (local edits may have followed it): it is what both sides last held, so it is the base. Judged
 * against the older one, the server's later edits of a field it changed would look like ours
 * and collide with themselves. The newest such local version wins.
 */
function baseFor(f: ConflictFacts): PublishedMetadata | undefined {
  const newer = Object.values(f.current?.versions ?? {}).filter((v) => f.agreedVersion === undefined || semver.gt(v.version, f.agreedVersion));
  for (const mine of [toMergeView(f.published), ...(f.history ?? [])]) {
    const written = newer.find((v) => deepEqual(toMergeView(v.metadata), mine));
    if (written) return written.metadata;
  }
  return f.base;
}

export function decideConflict(f: ConflictFacts): ConflictDecision {
  const { id, published, current } = f;
  if (!current) throw new Error(`the server reported a conflict on ${id} without its current record`);
  const latest = latestVersionRecord(current);
  if (current.deleted || !latest) {
    // A tombstone we never knew: If-None-Match already counts it as absent, so this cannot loop.
    if (!f.tracked) throw new Error(`unexpected conflict publishing ${id} over a deleted record`);
    return { kind: 'keep-local' };
  }
  const remote = latest.metadata;
  if (remote.content_hash === published.content_hash) return { kind: 'adopt' };
  const base = baseFor(f);
  const merge = threeWayMerge(base && toMergeView(base), toMergeView(published), toMergeView(remote));
  if (merge.collisions.length > 0) return { kind: 'keep-both', remote, collisions: merge.collisions };
  const fromRemote = merge.fromRemote.length > 0;
  if (merge.fromLocal.length === 0) return { kind: 'take-remote', remote, write: fromRemote ? merge.merged : undefined };
  const clash = current.versions[published.version];
  const versionTaken = clash !== undefined && clash.metadata.content_hash !== published.content_hash;
  return { kind: 'send', remote, write: fromRemote || versionTaken ? merge.merged : undefined, merged: fromRemote };
}
