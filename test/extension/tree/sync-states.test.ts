import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReviewInfo, SyncStatus } from '../../../src/core/metadata-publisher/publisher';
import { syncStatesFrom } from '../../../src/extension/tree/sync-states';

const status = (over: Partial<SyncStatus>): SyncStatus => ({
  serverConfigured: true,
  syncEnabled: true,
  lastSyncAt: null,
  lastAttemptAt: null,
  lastError: null,
  tracked: 0,
  queued: [],
  changedSinceSync: [],
  conflicts: [],
  ...over,
});
const review = (s: ReviewInfo['review_status'], comment?: string): ReviewInfo => ({ review_status: s, ...(comment ? { review_comment: comment } : {}), remote_version: '1.0.1', synced_at: '2026-01-01T00:00:00Z', has_vector: true });

test('review states come from the last sync; conflicts, failures and pending edits take precedence', () => {
  const m = syncStatesFrom(
    status({
      changedSinceSync: ['edited'],
      queued: [
        { kind: 'publish', playbook_id: 'offline', attempts: 3, last_error: 'ECONNREFUSED', next_attempt_at: null },
        { kind: 'publish', playbook_id: 'waiting', attempts: 0, next_attempt_at: null },
      ],
      conflicts: [{ playbook_id: 'both', kind: 'diverged', message: 'name changed on both sides', detected_at: '2026-01-01T00:00:00Z' }],
    }),
    new Map([
      ['approved', review('approved')],
      ['rejected', review('rejected', 'hard-coded region')],
      ['edited', review('pending')],
      ['both', review('approved')],
    ]),
  );
  assert.deepEqual(m.get('approved'), { phase: 'synced', review: 'approved', serverVersion: '1.0.1' });
  assert.deepEqual(m.get('rejected'), { phase: 'synced', review: 'rejected', reviewComment: 'hard-coded region', serverVersion: '1.0.1' });
  assert.equal(m.get('edited')?.phase, 'pending');
  assert.equal(m.get('edited')?.review, 'pending', 'the review state is kept for the tooltip');
  assert.deepEqual(m.get('offline'), { phase: 'failed', detail: 'publish failed 3×: ECONNREFUSED' });
  assert.deepEqual(m.get('waiting'), { phase: 'pending' });
  assert.equal(m.get('both')?.phase, 'conflict');
  assert.equal(m.get('both')?.detail, 'name changed on both sides');
  assert.equal(m.get('never-synced'), undefined);
});
