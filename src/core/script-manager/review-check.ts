import { effectiveReviewStatus } from '../escher-api/review';
import type { FetchedMetadata, ReviewStatus } from '../escher-api/types';
import { ReviewRequiredError } from '../shared/errors';
import { printable } from '../shared/printable';

/** What a resolve of server content knew about its review, and the override it used, if any. */
export interface ResolvedReview {
  /** "not_required" for the Escher Library; for team content, approved only when the decision covers this exact content. */
  status: ReviewStatus;
  /** Set when unreviewed content was used anyway: the user's reason. */
  overrideReason?: string;
}

/**
 * Team (tenant) content is used only when an approval covers its exact content: the content hash
 * and every script's sha256 (the files are then verified against those same hashes on download
 * and on every cache hit). Pending, rejected, or "approved" without a matching decision is refused
 * unless the user gives a reason, which the caller logs. Library content needs no review.
 */
export function checkReview(fetched: FetchedMetadata, allowUnreviewed: string | undefined): ResolvedReview {
  if (fetched.source === 'library') return { status: 'not_required' };
  const m = fetched.metadata;
  const status = effectiveReviewStatus(fetched.review_status ?? 'pending', fetched.review, m) ?? 'pending';
  if (status === 'approved') return { status };
  const reason = allowUnreviewed?.trim();
  if (reason) return { status, overrideReason: reason };
  const claimed = fetched.review_status === 'approved' ? ' (the server says approved, but no approval covers this exact content)' : '';
  const comment = status === 'rejected' && fetched.review?.comment ? `: "${printable(fetched.review.comment.slice(0, 200))}"` : '';
  throw new ReviewRequiredError(`Team playbook "${m.playbook_id}" v${m.version} is ${status === 'rejected' ? 'rejected' : 'pending review'}${claimed}${comment}, so it is not used`, {
    hint: 'ask a reviewer to approve it, or give the reason to use it anyway (it is logged)',
    hintCode: 'review-required',
  });
}
