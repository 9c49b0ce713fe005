import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReviewStatus } from '../../../src/core/escher-api/types';
import type { PlaybookSyncEntry } from '../../../src/core/metadata-publisher/sync-state';
import { type LocalFacts, SyncViews } from '../../../src/core/metadata-publisher/sync-views';
import type { Area } from '../../../src/core/playbook-store/metadata';
import { syncStatesFrom } from '../../../src/extension/tree/sync-states';

const entry = (s: ReviewStatus, comment?: string): PlaybookSyncEntry => ({
  revision: '3-r',
  seq: 3,
  local_version: '1.0.1',
  local_hash: 'agreed',
  remote_version: '1.0.1',
  remote_hash: 'R',
  sent_hashes: [],
  review_status: s,
  ...(comment ? { review_comment: comment } : {}),
  has_vector: true,
  synced_at: '2026-01-01T00:00:00Z',
});
const local = (id: string, area: Area, hash = 'agreed'): LocalFacts => ({ playbook_id: id, area, content_hash: hash, storage_strategy: 'uploaded_for_review' });
const op = { kind: 'publish' as const, version: '1.0.0', content_hash: 'h', move_to_synced: true, enqueued_at: '2026-01-01T00:00:00Z', next_attempt_at: 0 };

test('review states come from the last sync; conflicts, failures and pending edits take precedence', () => {
  const views = SyncViews.from(
    {
      playbooks: { approved: entry('approved'), rejected: entry('rejected', 'hard-coded region'), edited: entry('pending'), both: entry('approved') },
      outbox: [
        { ...op, key: 'k1', playbook_id: 'offline', attempts: 3, last_error: 'ECONNREFUSED' },
        { ...op, key: 'k2', playbook_id: 'waiting', attempts: 0 },
      ],
      conflicts: [{ playbook_id: 'both', kind: 'diverged', message: 'name changed on both sides', detected_at: '2026-01-01T00:00:00Z' }],
    },
    { syncing: true },
  );
  const m = syncStatesFrom(
    views.all([
      local('approved', 'synced'),
      local('rejected', 'synced'),
      local('edited', 'synced', 'edited-here'),
      local('both', 'synced', 'edited-here'),
      local('offline', 'local'),
      local('waiting', 'local'),
      local('never-synced', 'local'),
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
