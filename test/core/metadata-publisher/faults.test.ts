import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import type { PlaybookRecord } from '../../../src/core/escher-api/types';
import type { FaultName, FaultOptions } from '../../../src/dev-server/faults';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput } from './harness';

async function serverState(s: TestServer): Promise<{ records: PlaybookRecord[]; maxSeq: number; versions: number }> {
  const page = await s.client().getChanges(0, 1000);
  return {
    records: page.changes,
    maxSeq: Math.max(0, ...page.changes.map((r) => r.seq)),
    versions: page.changes.reduce((n, r) => n + Object.keys(r.versions).length, 0),
  };
}

const FAULTS: Array<{ name: FaultName; opts: FaultOptions; client?: { timeoutMs: number; deadlineMs: number } }> = [
  { name: 'status500', opts: {} },
  { name: 'status500', opts: { match: '/api/playbook/metadata/publish' } },
  { name: 'garbage', opts: {} },
  { name: 'garbage', opts: { match: '/api/playbook/metadata/publish' } },
  { name: 'slow', opts: { seconds: 2 }, client: { timeoutMs: 300, deadlineMs: 600 } },
];

for (const f of FAULTS) {
  test(`fault ${f.name}${f.opts.match ? ` on ${f.opts.match}` : ''} during sync: changes stay queued, then drain once, no duplicates`, async (t) => {
    const s = await startTestServer();
    t.after(() => s.close());
    const api = s.client({ retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 }, ...(f.client ?? {}) });
    const h = await makeHome(t, s, { api });
    for (const id of ['f-one', 'f-two', 'f-three']) await h.store.createPlaybook(playbookInput(id, { area: 'synced' }));
    s.setFault(f.name, f.opts);
    const r1 = await h.publisher.syncAllMetadata();
    assert.ok(r1.failed.length > 0, 'the failure is reported');
    assert.equal(r1.queued, 3, 'all three changes are queued, none dropped');
    const st = await h.publisher.status();
    assert.equal(st.lastSyncAt, null, 'a failed sync is not recorded as a sync');
    assert.equal(st.queued.length, 3);
    assert.ok(st.lastError, 'the error is kept for `status`');
    // A second attempt while the server still fails does not queue anything twice.
    await h.publisher.syncAllMetadata();
    assert.equal((await h.publisher.status()).queued.length, 3);
    s.clearFaults();
    const r2 = await h.publisher.syncAllMetadata();
    assert.deepEqual(r2.failed, []);
    assert.equal(r2.queued, 0);
    const srv = await serverState(s);
    assert.deepEqual(srv.records.map((r) => r.playbook_id).sort(), ['f-one', 'f-three', 'f-two']);
    assert.equal(srv.maxSeq, 3, 'exactly one mutation per playbook: replays were deduplicated');
    assert.equal(srv.versions, 3);
    assert.equal((await h.publisher.syncAllMetadata()).requests, 1);
  });
}

test('a single 500 is absorbed by the client retry within the same sync', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('once', { area: 'synced' }));
  s.setFault('status500', { count: 1, match: '/api/playbook/metadata/publish' });
  const r = await h.publisher.syncAllMetadata();
  assert.deepEqual([r.published, r.failed, r.queued], [['once'], [], 0]);
});

test('server down, then up: publishes and edits queue in order (playbook stays local until sent), then drain with nothing lost', async (t) => {
  let s = await startTestServer({ keepDataDir: true });
  const dataDir = s.dataDir;
  const port = Number(new URL(s.url).port);
  t.after(async () => {
    await s.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  const api = s.client({ retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 }, timeoutMs: 1000 });
  const h = await makeHome(t, s, { api });
  await h.store.createPlaybook(playbookInput('already', { area: 'synced' }));
  await h.publisher.syncAllMetadata();
  await s.close();

  await h.store.createPlaybook(playbookInput('offline-new'));
  const p = await h.publisher.publishMetadata('offline-new', { strategy: 'uploaded_trusted' });
  assert.equal(p.status, 'queued');
  assert.equal((await h.store.getPlaybook('offline-new')).area, 'local', 'not moved before the server has it');
  await h.store.updatePlaybook('already', { description: 'edited offline' });
  const down = await h.publisher.syncAllMetadata();
  assert.ok(down.failed.length > 0);
  const st = await h.publisher.status();
  assert.deepEqual(st.queued.map((q) => `${q.kind}:${q.playbook_id}`), ['publish:offline-new', 'publish:already']);

  s = await startTestServer({ dataDir, keepDataDir: true, port });
  const up = await h.publisher.syncAllMetadata();
  assert.deepEqual(up.failed, []);
  assert.deepEqual([...up.published, ...up.updated].sort(), ['already', 'offline-new']);
  assert.equal((await h.store.getPlaybook('offline-new')).area, 'synced');
  const rec = (await s.api.getRecord('already')) as PlaybookRecord;
  assert.equal(rec.versions[rec.latest_version!]!.metadata.description, 'edited offline');
  const added = (await s.api.getRecord('offline-new')) as PlaybookRecord;
  assert.equal(p.version, '1.0.1', 'for_review -> trusted is a new version');
  assert.deepEqual(Object.keys(added.versions), ['1.0.1']);
  assert.equal(added.versions['1.0.1']?.review_status, 'approved');
  assert.deepEqual((await h.publisher.status()).queued, []);
});

test('a 401 stops sync with one "sign in again" error instead of hammering the server', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s, { api: s.client({ token: 'revoked-token' }) });
  await h.store.createPlaybook(playbookInput('x', { area: 'synced' }));
  s.server.resetRequests();
  await assert.rejects(h.publisher.syncAllMetadata(), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, 'AUTH');
    assert.match(e.hint ?? '', /sign in again/);
    return true;
  });
  assert.equal(s.server.requests().length, 1, 'one request, no retries of a rejected token');
  assert.equal((await h.publisher.status()).lastError?.code, 'AUTH');
});
