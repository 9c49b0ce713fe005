import type { ReviewQueueItem } from '../../core/escher-api/types';
import { escapeMd } from '../tree/markdown';
import type { TreeItemData } from '../tree/tree-item-data';
import { absoluteTime, relativeTime } from '../util/relative-time';

export const REVIEW_ITEM_CONTEXT = 'review.pending';

/** A pending version in the Review Queue: name, id and version, who published it and when. */
export function reviewItem(i: ReviewQueueItem, now: number): TreeItemData {
  return {
    id: `review:${i.playbook_id}@${i.version}:${i.content_hash}`,
    label: i.name,
    description: [`${i.playbook_id} v${i.version}`, i.published_by ? `by ${i.published_by}` : '', relativeTime(Date.parse(i.published_at), now), i.last_decision ? `was ${i.last_decision.status}` : ''].filter(Boolean).join(' · '),
    tooltip: reviewTooltip(i),
    icon: { kind: 'theme', id: 'git-pull-request', color: 'charts.yellow' },
    contextValue: REVIEW_ITEM_CONTEXT,
    collapsible: 'none',
  };
}

/** Everything in it comes from the server: escaped. */
export function reviewTooltip(i: ReviewQueueItem): string {
  const d = i.last_decision;
  return [
    `**${escapeMd(i.name)}**  \n\`${i.playbook_id}\` v${i.version} · content ${i.content_hash.slice(0, 12)}…`,
    `Published ${escapeMd(absoluteTime(i.published_at))}${i.published_by ? ` by ${escapeMd(i.published_by)}` : ''}`,
    d ? `_Last decision (on other content): ${escapeMd(d.status)} by ${escapeMd(d.reviewer)}${d.comment ? `: ${escapeMd(d.comment)}` : ''}_` : '',
    'Compare with Last Approved shows what changed; Approve or Reject records your decision against this exact content.',
  ]
    .filter(Boolean)
    .join('\n\n');
}
