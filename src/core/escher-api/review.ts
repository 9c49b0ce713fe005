import type { PublishedMetadata, ReviewDecision, ReviewStatus } from './types';

/**
 * Approvals bound to content: a decision names the content_hash and every script's sha256 it was
 * made on. Both sides use these: the server to record a decision, the client to check that an
 * "approved" it was told about really covers the content it is about to use.
 */
export function decisionFor(m: PublishedMetadata, d: Pick<ReviewDecision, 'status' | 'reviewer' | 'kind' | 'at'> & { comment?: string }): ReviewDecision {
  return {
    playbook_id: m.playbook_id,
    version: m.version,
    status: d.status,
    content_hash: m.content_hash,
    scripts: m.scripts.map((s) => ({ path: s.path, sha256: s.sha256 })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    reviewer: d.reviewer,
    kind: d.kind,
    at: d.at,
    ...(d.comment !== undefined ? { comment: d.comment } : {}),
  };
}

/** Whether `decision` was made on exactly this content (id, version, content hash, every script). */
export function decisionCovers(decision: ReviewDecision | undefined, m: PublishedMetadata): boolean {
  if (!decision || decision.playbook_id !== m.playbook_id || decision.version !== m.version || decision.content_hash !== m.content_hash) return false;
  if (decision.scripts.length !== m.scripts.length) return false;
  const approved = new Map(decision.scripts.map((s) => [s.path, s.sha256]));
  return m.scripts.every((s) => approved.get(s.path) === s.sha256);
}

/**
 * The review status a client may act on: "approved" only when an approving decision covers this
 * exact content; an approval about other content (or none at all) counts as pending.
 */
export function effectiveReviewStatus(status: ReviewStatus | undefined, decision: ReviewDecision | undefined, m: PublishedMetadata): ReviewStatus | undefined {
  if (status !== 'approved') return status;
  return decision?.status === 'approved' && decisionCovers(decision, m) ? 'approved' : 'pending';
}
