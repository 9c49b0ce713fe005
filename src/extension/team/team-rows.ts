import type { LibraryEntry, PlaybookRecord, ReviewStatus } from '../../core/escher-api/types';
import type { CloudProvider } from '../../core/playbook-store/metadata';
import type { TeamVersion } from '../../core/team-catalog/team-catalog';
import { nameSortKey } from '../tree/playbook-tree-model';

/** One version of a team playbook as the explorer shows it. */
export interface TeamVersionRow {
  version: string;
  /** The review a client may act on: approved only when a decision covers this exact content. */
  review: ReviewStatus;
  publishedAt: string;
  publishedBy?: string;
  /** The last decision on this version's current content (none, or one about other content). */
  decision?: { status: string; reviewer: string; at: string; comment?: string };
}

/**
 * A teammate's published playbook, from the team catalog (metadata only), flattened for the
 * tree: plain data, so 10,000 of them cost a sort and no tree nodes until a page is opened.
 */
export interface TeamRow {
  /** The Team section's (the tenant's published playbooks) or the Library section's (the Escher Library). */
  source: 'team' | 'library';
  playbookId: string;
  name: string;
  description: string;
  cloud: CloudProvider;
  formats: string[];
  latest: string;
  review: ReviewStatus;
  publishedBy?: string;
  updatedAt: string;
  /** Newest first. */
  versions: TeamVersionRow[];
  /** The version the workspace's escher.lock.json pins, when it names this playbook. */
  pinned?: string;
  sortKey: string;
}

/**
 * The team's playbooks this home does not hold itself (its own are listed under Local/Synced),
 * sorted by name as the explorer sorts. `versionsOf` is the core's teamVersions (loaded with the
 * core bundle, so this module stays out of the activation bundle's heavy part).
 */
export function teamRowsFrom(records: readonly PlaybookRecord[], own: ReadonlySet<string>, versionsOf: (r: PlaybookRecord) => TeamVersion[], pins: ReadonlyMap<string, string> = new Map()): TeamRow[] {
  const rows: TeamRow[] = [];
  for (const rec of records) {
    if (own.has(rec.playbook_id)) continue;
    const versions = versionsOf(rec).map(versionRow);
    const latest = versions.find((v) => v.version === rec.latest_version);
    const m = rec.latest_version ? rec.versions[rec.latest_version]?.metadata : undefined;
    if (!latest || !m) continue;
    const pinned = pins.get(rec.playbook_id);
    rows.push({
      source: 'team',
      playbookId: rec.playbook_id,
      name: m.name,
      description: m.description,
      cloud: m.cloud_provider,
      formats: [...new Set(m.scripts.map((s) => s.format))].sort(),
      latest: latest.version,
      review: latest.review,
      ...(latest.publishedBy ? { publishedBy: latest.publishedBy } : {}),
      updatedAt: rec.updated_at,
      versions,
      ...(pinned ? { pinned } : {}),
      sortKey: `${nameSortKey(m.name)}\u0000${rec.playbook_id}`,
    });
  }
  return rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

/**
 * The Escher Library's playbooks (read-only, approved by definition: bound by their content hash)
 * as rows of the Library section; ids this home holds are left out, as for the team. Only the
 * latest version is listed with metadata, so it is the one row below each.
 */
export function libraryRowsFrom(entries: readonly LibraryEntry[], own: ReadonlySet<string>): TeamRow[] {
  const rows: TeamRow[] = [];
  for (const e of entries) {
    if (own.has(e.playbook_id)) continue;
    const m = e.metadata;
    rows.push({
      source: 'library',
      playbookId: e.playbook_id,
      name: m.name,
      description: m.description,
      cloud: m.cloud_provider,
      formats: [...new Set(m.scripts.map((s) => s.format))].sort(),
      latest: e.latest_version,
      review: 'not_required',
      updatedAt: m.updated_at,
      versions: [{ version: e.latest_version, review: 'not_required', publishedAt: m.updated_at }],
      sortKey: `${nameSortKey(m.name)}\u0000${e.playbook_id}`,
    });
  }
  return rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

function versionRow(v: TeamVersion): TeamVersionRow {
  const d = v.decision;
  const covers = d !== undefined && d.content_hash === v.record.metadata.content_hash;
  return {
    version: v.version,
    review: v.review,
    publishedAt: v.record.published_at,
    ...(v.record.published_by ? { publishedBy: v.record.published_by } : {}),
    ...(d && covers ? { decision: { status: d.status, reviewer: d.reviewer, at: d.at, ...(d.comment !== undefined ? { comment: d.comment } : {}) } } : {}),
  };
}

/** The version a command on the row uses: the workspace's pin, else the latest. */
export function usedVersion(row: TeamRow): string {
  return row.pinned && row.versions.some((v) => v.version === row.pinned) ? row.pinned : row.latest;
}
