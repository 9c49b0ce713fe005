import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaybookRecord } from '../../../src/core/escher-api/types';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { type TestHome, makeHome, playbookInput } from './harness';

/**
 * Deleting one version (`escher-playbook delete ID --version V`) on either side, two devices and
 * one real server. Both start holding v1.0.0 and v1.0.1 of a synced playbook.
 */
async function twoVersions(t: Parameters<typeof makeHome>[0]): Promise<{ s: TestServer; a: TestHome; b: TestHome; id: string }> {
  const s = await startTestServer();
  t.after(() => s.close());
  const a = await makeHome(t, s);
  const b = await makeHome(t, s);
  const id = 'nightly-stop';
  await a.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  await a.publisher.syncAllMetadata();
  await b.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  await b.publisher.syncAllMetadata();
  await a.store.updatePlaybook(id, { description: 'also stops test instances' });
  await a.publisher.syncAllMetadata();
  assert.deepEqual((await b.publisher.syncAllMetadata()).pulled, [id]);
  assert.deepEqual(await versionsOn(s, id), ['1.0.0', '1.0.1']);
  assert.deepEqual(await versionsIn(b, id), ['1.0.0', '1.0.1']);
  return { s, a, b, id };
}

async function record(s: TestServer, id: string): Promise<PlaybookRecord> {
  return (await s.api.getRecord(id)) as PlaybookRecord;
}

async function versionsOn(s: TestServer, id: string): Promise<string[]> {
  return Object.keys((await record(s, id)).versions).sort();
}

async function versionsIn(h: TestHome, id: string): Promise<string[]> {
  return (await h.store.listPlaybooks()).find((p) => p.playbook_id === id)?.versions ?? [];
}

test('deleting the latest version here deletes it on the server (not re-published as an edit), and on the other device', async (t) => {
  const { s, a, b, id } = await twoVersions(t);
  await a.store.deletePlaybook(id, '1.0.1');
  const ra = await a.publisher.syncAllMetadata();
  assert.deepEqual([ra.deleted, ra.published, ra.updated, ra.conflicts], [[`server:${id}@1.0.1`], [], [], []]);
  const rec = await record(s, id);
  assert.deepEqual([rec.latest_version, Object.keys(rec.versions)], ['1.0.0', ['1.0.0']]);
  const again = await a.publisher.syncAllMetadata();
  assert.deepEqual([again.deleted, again.updated, again.requests], [[], [], 1], 'settled: nothing sent again');

  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual([rb.deleted, rb.pulled, rb.conflicts], [[`local:${id}@1.0.1`], [], []]);
  assert.deepEqual(await versionsIn(b, id), ['1.0.0']);
  assert.equal((await b.store.getPlaybook(id)).metadata.description, (await a.store.getPlaybook(id)).metadata.description);
  assert.deepEqual((await b.publisher.syncAllMetadata()).updated, [], 'B sends nothing back');
});

test('deleting an older version here deletes only that version everywhere', async (t) => {
  const { s, a, b, id } = await twoVersions(t);
  await a.store.deletePlaybook(id, '1.0.0');
  const ra = await a.publisher.syncAllMetadata();
  assert.deepEqual([ra.deleted, ra.updated], [[`server:${id}@1.0.0`], []]);
  assert.deepEqual([(await record(s, id)).latest_version, await versionsOn(s, id)], ['1.0.1', ['1.0.1']]);
  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual(rb.deleted, [`local:${id}@1.0.0`]);
  assert.deepEqual(await versionsIn(b, id), ['1.0.1']);
});

test('a version delete the server fails to take waits in the outbox with its key and is sent by the next sync', async (t) => {
  const { s, a, id } = await twoVersions(t);
  await a.store.deletePlaybook(id, '1.0.1');
  s.setFault('status500', { count: 1000, match: `/api/playbooks/${id}/versions/` });
  const r1 = await a.publisher.syncAllMetadata();
  assert.ok(r1.failed.length > 0, 'the failure is reported');
  assert.deepEqual(r1.updated, [], 'the fallback to v1.0.0 is not sent as an edit');
  const queued = (await a.publisher.status()).queued;
  assert.deepEqual(queued.map((q) => `${q.kind}:${q.playbook_id}`), [`delete:${id}`]);
  assert.deepEqual(await versionsOn(s, id), ['1.0.0', '1.0.1']);
  s.clearFaults();
  const r2 = await a.publisher.syncAllMetadata();
  assert.deepEqual([r2.deleted, r2.updated, r2.queued], [[`server:${id}@1.0.1`], [], 0]);
  assert.deepEqual(await versionsOn(s, id), ['1.0.0']);
  const deletes = (await s.requestsAtLeast(2, (r) => r.method === 'DELETE')).filter((r) => r.method === 'DELETE');
  assert.deepEqual(deletes.map((r) => r.status).slice(-1), [200], 'retried until the server took it');
});

test('a version deleted on the server while this device has an unsent change on top of it is kept here and reported', async (t) => {
  const { s, a, b, id } = await twoVersions(t);
  await b.store.updatePlaybook(id, { keywords: ['cost', 'dev', 'weekend'] });
  const rec = await record(s, id);
  await s.api.deleteVersion(id, '1.0.1', { ifMatch: rec.revision, idempotencyKey: 'other-device-delete' });
  const rb = await b.publisher.syncAllMetadata();
  assert.equal(rb.conflicts.length, 1);
  assert.equal(rb.conflicts[0]!.kind, 'version_deleted_on_server');
  assert.deepEqual(rb.deleted, []);
  assert.deepEqual(await versionsIn(b, id), ['1.0.0', '1.0.1', '1.0.2'], 'nothing lost here');
  const latest = await record(s, id);
  assert.equal(latest.latest_version, '1.0.2', "B's change reached the server");
  assert.deepEqual(latest.versions['1.0.2']!.metadata.keywords, ['cost', 'dev', 'weekend']);
  assert.equal(latest.versions['1.0.2']!.metadata.description, 'also stops test instances', 'built on the deleted version, as the user saw it');
  assert.ok((await b.publisher.status()).conflicts.length >= 1);
  await b.store.deletePlaybook(id, '1.0.1');
  const after = await b.publisher.syncAllMetadata();
  assert.deepEqual([after.deleted, after.conflicts], [[], []]);
  assert.deepEqual(await versionsOn(s, id), ['1.0.0', '1.0.2'], 'deleting the kept copy sends nothing');
  void a;
});
