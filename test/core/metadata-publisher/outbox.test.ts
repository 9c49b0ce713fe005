import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enqueue, markFailed, newDeleteOp, newPublishOp, nextRetryAt, removeOp } from '../../../src/core/metadata-publisher/outbox';
import { emptySyncState } from '../../../src/core/metadata-publisher/sync-state';

test('enqueue keeps order and never queues the same change twice', () => {
  const s = emptySyncState();
  const a = enqueue(s, newPublishOp({ playbookId: 'a', version: '1.0.0', contentHash: 'h1', moveToSynced: false, now: 0 }));
  enqueue(s, newDeleteOp({ playbookId: 'b', now: 0 }));
  const again = enqueue(s, newPublishOp({ playbookId: 'a', version: '1.0.0', contentHash: 'h1', moveToSynced: true, now: 1 }));
  assert.equal(again.key, a.key, 'the first idempotency key is kept');
  assert.equal(s.outbox.length, 2);
  enqueue(s, newPublishOp({ playbookId: 'a', version: '1.0.1', contentHash: 'h2', moveToSynced: false, now: 2 }));
  assert.deepEqual(
    s.outbox.map((o) => `${o.kind}:${o.playbook_id}`),
    ['publish:a', 'delete:b', 'publish:a'],
  );
  removeOp(s, a.key);
  assert.equal(s.outbox.length, 2);
});

test('a failed op stays queued with a growing backoff and its key unchanged', () => {
  const s = emptySyncState();
  const op = enqueue(s, newPublishOp({ playbookId: 'a', version: '1.0.0', contentHash: 'h', moveToSynced: false, now: 0 }));
  const key = op.key;
  markFailed(op, 'HTTP 500', 1000, { baseMs: 1000, capMs: 60_000 }, () => 1);
  assert.equal(op.next_attempt_at, 2000);
  markFailed(op, 'HTTP 500', 2000, { baseMs: 1000, capMs: 60_000 }, () => 1);
  assert.equal(op.next_attempt_at, 4000);
  assert.equal(op.attempts, 2);
  assert.equal(op.key, key);
  assert.equal(nextRetryAt(s), 4000);
});
