import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EscherApi, PlaybookRecord } from '../../../src/core/escher-api/types';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { type TestHome, makeHome, playbookInput, serverCall } from './harness';

/**
 * Two devices (two homes) and one server. Device A publishes; device B creates the same playbook
 * (same content, its own timestamps) and its first sync adopts the server's copy (If-None-Match
 * answers 412 with the record; the fields agree, so nothing is overwritten and nothing re-sent).
 */
async function twoDevices(t: Parameters<typeof makeHome>[0]): Promise<{ s: TestServer; a: TestHome; b: TestHome; id: string }> {
  const s = await startTestServer();
  t.after(() => s.close());
  const a = await makeHome(t, s);
  const b = await makeHome(t, s);
  const id = 'shared-runbook';
  await a.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  await b.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  const ra = await a.publisher.syncAllMetadata();
  assert.deepEqual(ra.published, [id]);
  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual([rb.published, rb.conflicts.length], [[], 0], 'B adopts the identical server copy');
  assert.equal((await s.api.getRecord(id))?.latest_version, '1.0.0');
  return { s, a, b, id };
}

async function record(s: TestServer, id: string): Promise<PlaybookRecord> {
  return (await s.api.getRecord(id)) as PlaybookRecord;
}

test('different fields edited on two devices merge: both edits end up on the server and on both devices', async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  await a.store.updatePlaybook(id, { description: 'A: also stops test instances' });
  await b.store.updatePlaybook(id, { keywords: ['cost', 'dev', 'weekend'] });
  await a.publisher.syncAllMetadata();
  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual(rb.merged, [id]);
  assert.deepEqual(rb.conflicts, []);
  const latest = (await record(s, id)).versions[(await record(s, id)).latest_version!]!.metadata;
  assert.equal(latest.description, 'A: also stops test instances');
  assert.deepEqual(latest.keywords, ['cost', 'dev', 'weekend']);
  const ra = await a.publisher.syncAllMetadata();
  assert.deepEqual(ra.pulled, [id]);
  const onA = (await a.store.getPlaybook(id)).metadata;
  assert.deepEqual([onA.description, onA.keywords], [latest.description, latest.keywords]);
  assert.deepEqual((await a.publisher.syncAllMetadata()).updated, [], 'settled: no echo');
});

test('the same field edited on two devices keeps both: the local edit becomes a conflict copy, reported in sync and status', async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  await a.store.updatePlaybook(id, { name: 'Name from A' });
  await b.store.updatePlaybook(id, { name: 'Name from B' });
  await a.publisher.syncAllMetadata();
  const before = await record(s, id);
  const rb = await b.publisher.syncAllMetadata();
  assert.equal(rb.conflicts.length, 1);
  const c = rb.conflicts[0]!;
  assert.equal(c.kind, 'diverged');
  assert.deepEqual(c.fields, ['name']);
  assert.equal(c.copy_id, `${id}-conflict-1`);
  const copy = await b.store.getPlaybook(c.copy_id!);
  assert.equal(copy.area, 'local', 'the copy is not uploaded by sync');
  assert.equal(copy.metadata.name, 'Name from B', "B's edit is kept");
  assert.equal((await b.store.getPlaybook(id)).metadata.name, 'Name from A', "the shared id now holds the server's version");
  assert.equal((await record(s, id)).revision, before.revision, 'the server was not overwritten');
  const status = await b.publisher.status();
  assert.deepEqual(status.conflicts.map((x) => x.copy_id), [c.copy_id]);
  // The user resolves by deleting the copy: the conflict closes.
  await b.store.deletePlaybook(c.copy_id!);
  await b.publisher.syncAllMetadata();
  assert.deepEqual((await b.publisher.status()).conflicts, []);
});

test('scripts changed differently on two devices are never stitched: conflict copy with the local scripts', async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  await a.store.updatePlaybook(id, { scripts: [{ path: 'shell/stop.sh', content: '#!/bin/sh\necho A\n' }] });
  await b.store.updatePlaybook(id, { scripts: [{ path: 'shell/stop.sh', content: '#!/bin/sh\necho B\n' }] });
  await a.publisher.syncAllMetadata();
  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual(rb.conflicts.map((c) => c.fields), [['scripts']], JSON.stringify(rb));
  const copy = await b.store.getPlaybook(`${id}-conflict-1`);
  assert.equal((await b.store.readScript(copy, 'shell/stop.sh')).toString(), '#!/bin/sh\necho B\n');
  const mine = await b.store.getPlaybook(id);
  assert.equal((await b.store.readScript(mine, 'shell/stop.sh')).toString(), '#!/bin/sh\necho A\n', "downloaded and verified from the server");
  const latest = (await record(s, id)).versions[(await record(s, id)).latest_version!]!;
  assert.equal(latest.metadata.scripts.find((x) => x.path === 'shell/stop.sh')?.sha256, mine.metadata.scripts.find((x) => x.path === 'shell/stop.sh')?.sha256);
});

test('deleted on the server while edited locally: the local edit is kept (in local/) and reported, the delete is not undone silently', async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  await a.store.deletePlaybook(id);
  await a.publisher.syncAllMetadata();
  assert.equal((await record(s, id)).deleted, true);
  await b.store.updatePlaybook(id, { description: 'B kept working on it' });
  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual(rb.conflicts.map((c) => c.kind), ['deleted_on_server']);
  const kept = await b.store.getPlaybook(id);
  assert.equal(kept.area, 'local');
  assert.equal(kept.metadata.description, 'B kept working on it');
  assert.equal((await record(s, id)).deleted, true, 'not resurrected without the user asking');
  // Publishing it again is the explicit way back.
  const p = await b.publisher.publishMetadata(id, { strategy: 'uploaded_for_review' });
  assert.equal(p.status, 'published');
  assert.equal((await record(s, id)).deleted, false);
  await b.publisher.syncAllMetadata();
  assert.deepEqual((await b.publisher.status()).conflicts, []);
});

test("deleted locally while changed on the server: the server's newer change is not deleted; it is restored locally and reported", async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  await a.store.updatePlaybook(id, { description: 'A improved it' });
  await a.publisher.syncAllMetadata();
  await b.store.deletePlaybook(id);
  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual(rb.conflicts.map((c) => c.kind), ['deleted_locally']);
  assert.equal((await record(s, id)).deleted, false);
  const restored = await b.store.getPlaybook(id);
  assert.equal(restored.area, 'synced');
  assert.equal(restored.metadata.description, 'A improved it');
  // Deleting again now that B has seen the change does delete it everywhere.
  await b.store.deletePlaybook(id);
  const again = await b.publisher.syncAllMetadata();
  assert.deepEqual(again.deleted, [`server:${id}`]);
  assert.equal((await record(s, id)).deleted, true);
  const ra = await a.publisher.syncAllMetadata();
  assert.deepEqual(ra.deleted, [`local:${id}`]);
});

test('an explicit publish (no pull first) that meets a newer server revision gets 412 and merges non-colliding fields', async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  await a.store.updatePlaybook(id, { resource_types: ['rds', 'aurora'] });
  await a.publisher.syncAllMetadata();
  await b.store.updatePlaybook(id, { description: 'B: explicit publish' });
  s.server.resetRequests();
  const r = await b.publisher.publishMetadata(id, { strategy: 'uploaded_for_review' });
  assert.equal(r.status, 'published');
  assert.deepEqual(r.report.merged, [id]);
  const statuses = s.server.requests().filter((x) => x.path === '/api/playbook/metadata/publish').map((x) => x.status);
  assert.deepEqual(statuses, [412, 200], 'refused once, then the merged version was accepted');
  const latest = (await record(s, id)).versions[(await record(s, id)).latest_version!]!.metadata;
  assert.deepEqual([latest.description, latest.resource_types], ['B: explicit publish', ['rds', 'aurora']]);
});

test('an upload for a version number the server already published with other bytes (409) is a conflict, not a retry', async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  await a.store.updatePlaybook(id, { scripts: [{ path: 'shell/stop.sh', content: '#!/bin/sh\necho A 1.0.1\n' }] });
  await a.publisher.syncAllMetadata();
  // B never pulled A's 1.0.1 and makes its own 1.0.1 with another script: the upload meets A's published path.
  await b.store.updatePlaybook(id, { scripts: [{ path: 'shell/stop.sh', content: '#!/bin/sh\necho B 1.0.1\n' }] });
  s.server.resetRequests();
  const r = await b.publisher.publishMetadata(id, { strategy: 'uploaded_for_review' });
  assert.equal(r.status, 'conflict');
  assert.deepEqual(r.report.conflicts.map((c) => c.fields), [['scripts']]);
  assert.deepEqual(r.report.failed, []);
  assert.equal(s.server.requests().filter((x) => x.path === '/api/playbook/upload' && x.status === 409).length, 1, 'refused once, not retried');
  const latest = (await record(s, id)).versions['1.0.1']!;
  const ticket = await s.api.requestDownload(latest.metadata.scripts.find((x) => x.path === 'shell/stop.sh')!.s3_path!);
  assert.equal(await (await fetch(ticket.url)).text(), '#!/bin/sh\necho A 1.0.1\n', "A's published script is untouched");
  const copy = await b.store.getPlaybook(`${id}-conflict-1`);
  assert.equal((await b.store.readScript(copy, 'shell/stop.sh')).toString(), '#!/bin/sh\necho B 1.0.1\n');
});

test('another device winning the race again and again: three merges are sent in one sync, the fourth waits for the next sync', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const id = 'raced-runbook';
  // Before each of the next publishes, "another device" edits a field of the server's latest
  // (a different field each time, so every merge is clean and has to be sent again).
  const races: Array<Record<string, unknown>> = [];
  const inner = s.client();
  const racing = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'publishMetadata') {
        return async (...args: Parameters<EscherApi['publishMetadata']>) => {
          const patch = races.shift();
          if (patch) {
            const rec = (await s.api.getRecord(id))!;
            const edit = await serverCall(s, 'PATCH', `/api/playbooks/${id}/versions/${rec.latest_version}`, patch, { 'if-match': `"${rec.revision}"` });
            assert.equal(edit.status, 200, JSON.stringify(edit.json));
          }
          return target.publishMetadata(...args);
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const h = await makeHome(t, s, { api: racing });
  await h.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  assert.deepEqual((await h.publisher.syncAllMetadata()).published, [id]);
  races.push({ keywords: ['race-1'] }, { name: 'Race 2' }, { resource_types: ['race-3'] }, { cloud_provider: 'azure' });

  await h.store.updatePlaybook(id, { description: 'mine' });
  s.server.resetRequests();
  const r = await h.publisher.syncAllMetadata();
  const publishes = () => s.server.requests().filter((x) => x.path === '/api/playbook/metadata/publish').map((x) => x.status);
  assert.deepEqual(publishes(), [412, 412, 412, 412], 'the edit and three merges were sent, each refused because the other device was first');
  assert.equal(r.queued, 1, 'the fourth merge waits in the outbox');
  assert.deepEqual(r.failed, []);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(r.skipped.map((x) => x.playbook_id), [id]);
  assert.match(r.skipped[0]!.reason, /another device keeps publishing it/);

  s.server.resetRequests();
  const next = await h.publisher.syncAllMetadata();
  assert.deepEqual([publishes(), next.updated, next.queued], [[200], [id], 0]);
  const latest = (await record(s, id)).versions[(await record(s, id)).latest_version!]!.metadata;
  assert.deepEqual([latest.description, latest.keywords, latest.name, latest.resource_types, latest.cloud_provider], ['mine', ['race-1'], 'Race 2', ['race-3'], 'azure'], 'every edit of both sides is kept');
  assert.equal((await h.store.getPlaybook(id)).metadata.name, 'Race 2');
});

test('an edit queued while the server was down, then edited again here, then changed on the server by another device: the newest edit is merged, never buried under a merge of the queued one', async (t) => {
  const { s, a, b, id } = await twoDevices(t);
  const offline = a.makePublisher({ api: s.client({ serverUrl: 'http://127.0.0.1:9', retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } }) });
  await a.store.updatePlaybook(id, { description: 'A: first try' });
  assert.equal((await offline.syncAllMetadata()).queued, 1, 'queued while the server is down');
  await a.store.updatePlaybook(id, { description: 'A: second thoughts' });
  await b.store.updatePlaybook(id, { keywords: ['from-b'] });
  await b.publisher.syncAllMetadata();

  const ra = await a.publisher.syncAllMetadata();
  assert.deepEqual([ra.conflicts, ra.failed], [[], []]);
  const mine = (await a.store.getPlaybook(id)).metadata;
  assert.deepEqual([mine.description, mine.keywords], ['A: second thoughts', ['from-b']], 'the latest edit here, merged with the other device');
  const rec = await record(s, id);
  const latest = rec.versions[rec.latest_version!]!.metadata;
  assert.deepEqual([latest.description, latest.keywords], ['A: second thoughts', ['from-b']]);
});

test('each conflict copy has its own record: a second conflict on the same playbook does not hide the first copy from status', async (t) => {
  const { a, b, id } = await twoDevices(t);
  for (const round of [1, 2]) {
    await a.store.updatePlaybook(id, { name: `A's name ${round}` });
    await a.publisher.syncAllMetadata();
    await b.store.updatePlaybook(id, { name: `B's name ${round}` });
    assert.equal((await b.publisher.syncAllMetadata()).conflicts.length, 1, `round ${round}`);
  }
  const copies = [`${id}-conflict-1`, `${id}-conflict-2`];
  assert.deepEqual((await b.publisher.status()).conflicts.map((c) => c.copy_id).sort(), copies, 'both copies exist, both are listed');
  assert.deepEqual(await Promise.all(copies.map(async (c) => (await b.store.getPlaybook(c)).metadata.name)), ["B's name 1", "B's name 2"]);
  await b.store.deletePlaybook(copies[1]!);
  await b.publisher.syncAllMetadata();
  assert.deepEqual((await b.publisher.status()).conflicts.map((c) => c.copy_id), [copies[0]], 'the other one is still listed');
});
