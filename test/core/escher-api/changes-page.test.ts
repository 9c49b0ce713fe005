import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changesEnvelopeIssues, recordIssues, splitChangesPage } from '../../../src/core/escher-api/changes-page';
import type { PlaybookRecord } from '../../../src/core/escher-api/types';
import { makeMetadata } from '../../dev-server/fixtures';

function record(id: string, seq: number, scripts: Record<string, string> = { 'shell/stop.sh': 'echo\n' }): PlaybookRecord {
  const metadata = makeMetadata(id, '1.0.0', scripts);
  return {
    playbook_id: id,
    revision: `${seq}-r`,
    seq,
    deleted: false,
    latest_version: '1.0.0',
    versions: { '1.0.0': { version: '1.0.0', metadata, review_status: 'approved', published_at: '2026-01-01T00:00:00.000Z', has_vector: false } },
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

test('one record that breaks the contract is split off the page with what is wrong; the others are kept', () => {
  const good = record('good', 1);
  const paths = record('paths', 2, { 'shell/a': 'a', 'shell/a/b.sh': 'b' });
  const name = record('name', 3);
  name.versions['1.0.0']!.metadata.name = 'x\u001b[2Jy';
  const mismatch = record('mismatch', 4);
  mismatch.versions['1.0.0']!.metadata.playbook_id = 'other';
  const hostile = { ...record('h', 5), playbook_id: '../../etc', seq: -1, revision: 'a b' };
  const page = splitChangesPage({ changes: [good, paths, name, mismatch, hostile], next: 5, more: false });
  assert.deepEqual(page.changes, [good]);
  assert.deepEqual(
    page.rejected?.map((r) => [r.playbook_id, r.seq, r.latest_version]),
    [
      ['paths', 2, '1.0.0'],
      ['name', 3, '1.0.0'],
      ['mismatch', 4, '1.0.0'],
      [null, null, '1.0.0'],
    ],
  );
  assert.match(page.rejected![0]!.issues.join(), /v1\.0\.0: script "shell\/a" is also a folder of "shell\/a\/b\.sh"/);
  assert.match(page.rejected![1]!.issues.join(), /\/versions\/1\.0\.0\/metadata\/name.*U\+001B/);
  assert.match(page.rejected![2]!.issues.join(), /describes another playbook/);
  assert.equal(page.rejected![3]!.revision, null, 'nothing unprintable is kept from a hostile record');
  assert.deepEqual(splitChangesPage({ changes: [good], next: 1, more: false }), { changes: [good], next: 1, more: false }, 'no `rejected` when all are good');
  assert.deepEqual(recordIssues(good), []);
});

test('the envelope of a page must still be right: records as a list, next and more', () => {
  assert.deepEqual(changesEnvelopeIssues({ changes: [{}], next: 0, more: false }), []);
  assert.notDeepEqual(changesEnvelopeIssues({ changes: {}, next: 0, more: false }), []);
  assert.notDeepEqual(changesEnvelopeIssues({ changes: [], next: -1, more: false }), []);
  assert.notDeepEqual(changesEnvelopeIssues({ changes: [], next: 0 }), []);
  // A record that is not even an object is that record's problem, not the page's.
  assert.deepEqual(changesEnvelopeIssues({ changes: [5], next: 0, more: false }), []);
  assert.deepEqual(splitChangesPage({ changes: [5], next: 1, more: false }).rejected?.map((r) => r.playbook_id), [null]);
});
