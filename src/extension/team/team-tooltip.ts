import type { ReviewStatus } from '../../core/escher-api/types';
import { escapeMd } from '../tree/markdown';
import type { TreeIcon } from '../tree/tree-item-data';
import { CLOUD_LABELS } from '../util/cloud-labels';
import { absoluteTime, relativeTime } from '../util/relative-time';
import type { TeamRow, TeamVersionRow } from './team-rows';

/** How a review status reads on a team row, and its icon. */
export const REVIEW_LOOK: Record<ReviewStatus, { word: string; long: string; icon: TreeIcon }> = {
  approved: { word: 'approved', long: 'Approved by a reviewer: usable as is.', icon: { kind: 'theme', id: 'pass-filled', color: 'charts.green' } },
  pending: { word: 'in review', long: 'Not approved yet: using it needs a reason (Use Anyway…).', icon: { kind: 'theme', id: 'clock', color: 'charts.yellow' } },
  rejected: { word: 'rejected', long: 'Rejected by a reviewer: using it needs a reason (Use Anyway…).', icon: { kind: 'theme', id: 'circle-slash', color: 'list.errorForeground' } },
  not_required: { word: 'no review', long: 'Needs no review (an Escher Library playbook): verified against its content hash.', icon: { kind: 'theme', id: 'cloud', color: 'charts.blue' } },
};

/**
 * A team row's Markdown tooltip: everything from the server escaped (names, descriptions,
 * principals, comments), lines ending in hard breaks.
 */
export function teamTooltip(r: TeamRow, now: number): string {
  const lines = (...l: string[]) => l.filter((x) => x !== '').join('  \n');
  const latest = r.versions.find((v) => v.version === r.latest);
  const description = r.description.trim() === '' ? '_No description._' : escapeMd(r.description.length > 400 ? `${r.description.slice(0, 397)}…` : r.description, { multiline: true }).replace(/\n/g, '  \n');
  return [
    lines(`**${escapeMd(r.name)}**`, `\`${r.playbookId}\` · v${r.latest} · ${r.versions.length} version${r.versions.length === 1 ? '' : 's'} · ${r.source === 'library' ? 'Escher Library' : 'Team'}`),
    description,
    lines(
      `Cloud: ${CLOUD_LABELS[r.cloud] ?? escapeMd(r.cloud)} · Scripts: ${r.formats.map((f) => escapeMd(f)).join(', ') || 'none'}`,
      r.publishedBy ? `Published by ${escapeMd(r.publishedBy)}` : '',
      `Updated ${relativeTime(Date.parse(r.updatedAt), now)} (${escapeMd(absoluteTime(r.updatedAt))})`,
      r.pinned ? `Pinned by this workspace's escher.lock.json: v${escapeMd(r.pinned)}` : '',
    ),
    latest ? `_${reviewLine(latest)}_` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** "Approved by key-… 2026-11-29 10:00 UTC: looks good", escaped. */
export function reviewLine(v: TeamVersionRow): string {
  const d = v.decision;
  const look = REVIEW_LOOK[v.review] ?? REVIEW_LOOK.pending;
  if (!d) return escapeMd(look.long);
  const who = `${escapeMd(d.status)} by ${escapeMd(d.reviewer)} (${escapeMd(absoluteTime(d.at))})`;
  return `${who}${d.comment ? `: ${escapeMd(d.comment)}` : ''}. ${escapeMd(look.long)}`;
}
