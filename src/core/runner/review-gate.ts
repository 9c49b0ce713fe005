import type { ReviewStatus } from '../escher-api/types';
import type { StorageStrategy } from '../playbook-store/metadata';
import type { ReviewGate } from './types';

/**
 * A playbook whose last known review status is pending or rejected runs only with a reason
 * (recorded). local_only playbooks are never reviewed; approved and trusted ones run normally.
 * The status is the publisher's local state (no request), so a decision made on the server
 * counts after the next sync.
 */
export function reviewGate(status: ReviewStatus | null, strategy: StorageStrategy, reason: string | undefined): ReviewGate {
  const gated = strategy !== 'local_only' && (status === 'pending' || status === 'rejected');
  const trimmed = reason?.trim();
  return { status, gated, ...(trimmed ? { overrideReason: trimmed } : {}) };
}
