/*
 * The outbox: pending publishes and deletes, persisted in sync_state.json before the first
 * attempt (with their Idempotency-Key), sent in order, removed only in the same atomic write that
 * records the server's answer. A crash at any point therefore either re-sends a request with the
 * same key (the server applies it at most once) or finds it already recorded.
 *
 * These helpers mutate the in-memory state; the caller persists it.
 */
import { randomUUID } from 'node:crypto';
import { type Backoff, backoffDelay } from '../shared/backoff';
import type { DeleteOp, OutboxOp, PublishOp, SyncState } from './sync-state';

/** A publish op for one local version, with a fresh Idempotency-Key. */
export function newPublishOp(args: { playbookId: string; version: string; contentHash: string; moveToSynced: boolean; now: number }): PublishOp {
  return {
    kind: 'publish',
    key: randomUUID(),
    playbook_id: args.playbookId,
    version: args.version,
    content_hash: args.contentHash,
    move_to_synced: args.moveToSynced,
    enqueued_at: new Date(args.now).toISOString(),
    attempts: 0,
    next_attempt_at: 0,
  };
}

export function newDeleteOp(args: { playbookId: string; version?: string; now: number }): DeleteOp {
  const key = randomUUID();
  return {
    kind: 'delete',
    key,
    playbook_id: args.playbookId,
    ...(args.version !== undefined ? { version: args.version } : {}),
    enqueued_at: new Date(args.now).toISOString(),
    attempts: 0,
    next_attempt_at: 0,
  };
}

/**
 * Adds an op unless an equivalent one is already queued (same playbook, kind and content): a
 * sync that runs twice while the server is down queues a change once, not twice.
 */
export function enqueue(state: SyncState, op: OutboxOp): OutboxOp {
  const same = state.outbox.find(
    (o) => o.playbook_id === op.playbook_id && o.kind === op.kind && (o.kind === 'delete' ? op.kind === 'delete' && o.version === op.version : op.kind === 'publish' && o.content_hash === op.content_hash),
  );
  if (same) {
    if (same.kind === 'publish' && op.kind === 'publish' && op.move_to_synced) same.move_to_synced = true;
    return same;
  }
  state.outbox.push(op);
  return op;
}

export function removeOp(state: SyncState, key: string): void {
  state.outbox = state.outbox.filter((o) => o.key !== key);
}

export function removeOpsFor(state: SyncState, playbookId: string): void {
  state.outbox = state.outbox.filter((o) => o.playbook_id !== playbookId);
}

/**
 * How long a failed op waits before the next sync may send it: 2 s doubling to 5 min, half
 * jitter (a floor, so a failing server is not hammered by the background loop).
 */
export const OUTBOX_BACKOFF: Backoff = { baseMs: 2_000, capMs: 5 * 60_000, jitter: 'half' };

/** Records a transient failure: the op stays queued, in place, until its backoff has passed. */
export function markFailed(op: OutboxOp, message: string, now: number, policy: Backoff = OUTBOX_BACKOFF, random?: () => number): void {
  op.attempts += 1;
  op.last_error = message;
  op.next_attempt_at = now + backoffDelay(policy, op.attempts, random);
}

/** Earliest time at which a queued op may be retried (for the background scheduler); undefined when empty. */
export function nextRetryAt(state: SyncState): number | undefined {
  let min: number | undefined;
  for (const o of state.outbox) min = min === undefined ? o.next_attempt_at : Math.min(min, o.next_attempt_at);
  return min;
}
