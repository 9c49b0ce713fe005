import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaybookRecord, PublishedMetadata } from '../../../src/core/escher-api/types';
import { decideRemote, planLocalChanges } from '../../../src/core/metadata-publisher/decisions';
import { type PlaybookSyncEntry, emptySyncState } from '../../../src/core/metadata-publisher/sync-state';
import type { PlaybookSummary } from '../../../src/core/playbook-store/types';

const entry: PlaybookSyncEntry = {
  revision: '5-a',
  seq: 5,
  local_version: '1.0.0',
  local_hash: 'L1',
  remote_version: '1.0.0',
  remote_hash: 'R1',
  sent_hashes: ['R1'],
  review_status: 'pending',
  has_vector: true,
  synced_at: '2026-01-01T00:00:00.000Z',
};

function rec(over: Partial<PlaybookRecord> & { hash?: string; version?: string } = {}): PlaybookRecord {
  const version = over.version ?? '1.0.0';
  const metadata = { content_hash: over.hash ?? 'R1' } as PublishedMetadata;
  return {
    playbook_id: 'p',
    revision: '6-b',
    seq: 6,
    deleted: false,
    latest_version: version,
    versions: { [version]: { version, metadata, review_status: 'approved', published_at: '', has_vector: true } },
    updated_at: '',
    ...over,
  };
}

function summary(hash: string, area: PlaybookSummary['area'] = 'synced'): PlaybookSummary {
  return { playbook_id: 'p', version: '1.0.0', versions: ['1.0.0'], area, content_hash: hash, storage_strategy: 'uploaded_for_review' } as PlaybookSummary;
}

test('decideRemote: the changes-feed decision table', () => {
  const tomb = rec({ deleted: true, latest_version: null, versions: {} });
  const cases: Array<[string, PlaybookRecord, PlaybookSyncEntry | undefined, PlaybookSummary | undefined, boolean, string]> = [
    ['untracked playbook', rec(), undefined, undefined, false, 'ignore'],
    ['our own revision (echo)', rec({ revision: '5-a', seq: 5 }), entry, summary('L1'), false, 'ignore'],
    ['review only', rec(), entry, summary('L1'), false, 'refresh'],
    ['changed there only', rec({ hash: 'R2' }), entry, summary('L1'), false, 'fast-forward'],
    ['new version there only', rec({ version: '1.1.0', hash: 'R2' }), entry, summary('L1'), false, 'fast-forward'],
    ['changed on both sides', rec({ hash: 'R2' }), entry, summary('L2'), false, 'defer'],
    ['changed there, our change still queued', rec({ hash: 'R2' }), entry, summary('L1'), true, 'defer'],
    ['changed there, deleted here', rec({ hash: 'R2' }), entry, undefined, false, 'defer'],
    ['changed there, local_only here (no longer syncs)', rec({ hash: 'R2' }), entry, { ...summary('L2'), storage_strategy: 'local_only' }, false, 'hold'],
    ['changed there, moved to local/ here (no longer syncs)', rec({ hash: 'R2' }), entry, summary('L1', 'local'), false, 'hold'],
    ['changed there, in local/ with an explicit publish queued', rec({ hash: 'R2' }), entry, summary('L1', 'local'), true, 'defer'],
    ['deleted there, unchanged here', tomb, entry, summary('L1'), false, 'delete-local'],
    ['deleted there, changed here', tomb, entry, summary('L2'), false, 'keep-local'],
    ['deleted there, moved to local/ here', tomb, entry, summary('L1', 'local'), false, 'keep-local'],
    ['deleted on both sides', tomb, entry, undefined, false, 'forget'],
  ];
  for (const [name, r, e, l, pending, want] of cases) assert.equal(decideRemote(r, e, l, pending), want, name);
});

test('planLocalChanges: changed, deleted, local_only, already queued, vector follow-ups within budget', () => {
  const state = emptySyncState();
  state.playbooks = { same: { ...entry }, edited: { ...entry }, gone: { ...entry }, novec: { ...entry, has_vector: false }, novec2: { ...entry, has_vector: false } };
  const s = (id: string, hash: string, extra: Partial<PlaybookSummary> = {}) => ({ ...summary(hash), playbook_id: id, ...extra }) as PlaybookSummary;
  const locals = [
    s('same', 'L1'),
    s('edited', 'L2', { version: '1.0.1' }),
    s('novec', 'L1'),
    s('novec2', 'L1'),
    s('brand-new', 'X'),
    s('private', 'Y', { storage_strategy: 'local_only' }),
    s('draft', 'Z', { area: 'local' }),
  ];
  const plan = planLocalChanges(state, locals, 1);
  assert.deepEqual(plan.publish, [
    { playbook_id: 'edited', version: '1.0.1', vectorOnly: false },
    { playbook_id: 'novec', version: '1.0.0', vectorOnly: true },
    { playbook_id: 'brand-new', version: '1.0.0', vectorOnly: false },
  ]);
  assert.deepEqual(plan.delete, ['gone']);
  assert.deepEqual(plan.skipped.map((x) => x.playbook_id), ['private']);
  assert.equal(planLocalChanges(state, locals, 0).publish.filter((p) => p.vectorOnly).length, 0, 'no provider: no vector follow-ups');
  state.outbox.push({ kind: 'publish', key: 'k', playbook_id: 'edited', version: '1.0.1', content_hash: 'h', move_to_synced: false, enqueued_at: '', attempts: 1, next_attempt_at: 0 });
  assert.ok(!planLocalChanges(state, locals, 0).publish.some((p) => p.playbook_id === 'edited'), 'already queued');
});

test('version deletes: a version gone from the server is deleted here (or kept if changed here); one gone here is planned for the server', () => {
  const two: PlaybookSyncEntry = { ...entry, local_version: '1.0.1', local_hash: 'L2', remote_version: '1.0.1', remote_hash: 'R2', versions: ['1.0.0', '1.0.1'] };
  const latestDropped = rec({ version: '1.0.0', hash: 'R1' });
  const here = { ...summary('L2'), version: '1.0.1', versions: ['1.0.0', '1.0.1'] };
  assert.equal(decideRemote(latestDropped, two, here, false), 'delete-versions', 'the server fell back to v1.0.0: not a fast-forward');
  assert.equal(decideRemote(latestDropped, two, { ...here, content_hash: 'L3', version: '1.0.2' }, false), 'keep-versions');
  assert.equal(decideRemote(rec({ version: '1.0.1', hash: 'R2' }), two, here, false), 'delete-versions', 'an older version dropped');
  assert.equal(decideRemote(latestDropped, { ...two, versions: undefined }, here, false), 'fast-forward', 'state from before version tracking');

  const state = emptySyncState();
  state.playbooks.p = two;
  const fellBack = planLocalChanges(state, [{ ...summary('L1'), version: '1.0.0', versions: ['1.0.0'] }], 0);
  assert.deepEqual([fellBack.deleteVersions, fellBack.publish], [[{ playbook_id: 'p', version: '1.0.1' }], []], 'the previous version becoming latest is not an edit');
  const olderGone = planLocalChanges(state, [{ ...here, versions: ['1.0.1'] }], 0);
  assert.deepEqual([olderGone.deleteVersions, olderGone.publish], [[{ playbook_id: 'p', version: '1.0.0' }], []]);
});
