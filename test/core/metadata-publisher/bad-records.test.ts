import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { PlaybookRecord, VersionRecord } from '../../../src/core/escher-api/types';
import { sha256 } from '../../../src/core/shared/hash';
import { TEST_TENANT, startTestServer, type TestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput, serverCall } from './harness';

/**
 * Records "published before the rule existed": written straight into the reference server's data
 * (as an older server version would have stored them), then the server is started again on it.
 */
async function plantVersion(dataDir: string, id: string, version: string, change: (v: VersionRecord) => void): Promise<void> {
  const dir = path.join(dataDir, 'tenants', TEST_TENANT, 'records');
  const seqs = await Promise.all((await fs.readdir(dir)).map(async (n) => (JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')) as { record: PlaybookRecord }).record.seq));
  const file = path.join(dir, `${id}.json`);
  const stored = JSON.parse(await fs.readFile(file, 'utf8')) as { record: PlaybookRecord };
  const rec = stored.record;
  const latest = structuredClone(rec.versions[rec.latest_version!]!);
  latest.version = version;
  latest.metadata.version = version;
  change(latest);
  const seq = Math.max(...seqs) + 1;
  stored.record = { ...rec, seq, revision: `${seq}-planted`, latest_version: version, versions: { ...rec.versions, [version]: latest } };
  await fs.writeFile(file, JSON.stringify(stored));
}

async function restart(t: TestContext, s: TestServer): Promise<TestServer> {
  const port = Number(new URL(s.url).port);
  await s.close();
  const again = await startTestServer({ dataDir: s.dataDir, port });
  t.after(() => again.close());
  return again;
}

test('server records no device can apply (colliding script paths, control characters from before that rule) are reported skips: unrelated queued changes still go out, status and the sync views say so, a fix on the server is applied', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-bad-records-'));
  t.after(() => fs.rm(dataDir, { recursive: true, force: true }));
  let s = await startTestServer({ dataDir, keepDataDir: true });
  const h = await makeHome(t, s);
  for (const id of ['bad-paths', 'bad-name', 'good']) await h.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  assert.deepEqual((await h.publisher.syncAllMetadata()).published.sort(), ['bad-name', 'bad-paths', 'good']);

  await plantVersion(dataDir, 'bad-paths', '1.1.0', (v) => {
    const script = v.metadata.scripts[0]!;
    v.metadata.scripts = [
      { ...script, path: 'shell/a' },
      { ...script, path: 'shell/a/b.sh' },
    ];
  });
  await plantVersion(dataDir, 'bad-name', '1.1.0', (v) => {
    v.metadata.name = 'Stop \u001b]52;c;cm0gLXJmIH4K\u0007now';
  });
  s = await restart(t, s);
  // An unrelated change waits in the outbox (the server was down when it was made).
  await h.store.updatePlaybook('good', { description: 'edited while the bad records sat on the server' });

  const r = await h.publisher.syncAllMetadata();
  assert.deepEqual(r.failed, [], 'nothing failed: two skips are not a failed sync');
  assert.deepEqual(r.updated, ['good'], 'the unrelated change went out');
  assert.deepEqual(r.skipped.map((x) => x.playbook_id).sort(), ['bad-name', 'bad-paths']);
  assert.match(r.skipped.find((x) => x.playbook_id === 'bad-paths')!.reason, /v1\.1\.0.*"shell\/a" is also a folder of "shell\/a\/b\.sh"/);
  assert.match(r.skipped.find((x) => x.playbook_id === 'bad-name')!.reason, /\/name.*control character/i);
  for (const id of ['bad-paths', 'bad-name']) assert.equal((await h.store.getPlaybook(id)).metadata.version, '1.0.0', `${id}: nothing written`);

  const st = await h.publisher.status();
  assert.deepEqual(st.notSyncing.map((u) => [u.playbook_id, u.kind, u.remote_version]).sort(), [
    ['bad-name', 'invalid_record', '1.1.0'],
    ['bad-paths', 'invalid_record', '1.1.0'],
  ]);
  const views = await h.publisher.syncViews();
  assert.equal(views.get('bad-paths')?.sync_state, 'not_syncing');
  assert.match(views.get('bad-paths')?.detail ?? '', /cannot be applied here and was skipped/);
  assert.equal(views.get('good')?.sync_state, 'synced');

  // The cursor moved past them: the next sync does not meet them again.
  const again = await h.publisher.syncAllMetadata();
  assert.deepEqual([again.requests, again.skipped, again.failed], [1, [], []]);
  assert.equal((await h.publisher.status()).notSyncing.length, 2, 'still shown until the server changes them');

  // Someone fixes them on the server (the bad version deleted): applied as usual, no longer shown.
  for (const id of ['bad-paths', 'bad-name']) {
    // Read raw: the client refuses the record as it is.
    const { revision } = (await serverCall(s, 'GET', `/api/playbooks/${id}`, undefined)).json as PlaybookRecord;
    assert.equal((await s.api.deleteVersion(id, '1.1.0', { ifMatch: revision })).latest_version, '1.0.0');
  }
  const fixed = await h.publisher.syncAllMetadata();
  assert.deepEqual([fixed.failed, fixed.skipped], [[], []]);
  assert.deepEqual((await h.publisher.status()).notSyncing, []);
  assert.equal((await h.publisher.syncViews()).get('bad-paths')?.sync_state, 'synced');
});

test('a server change whose script download keeps failing is reported and read again by the next sync; the records after it and queued changes are not held back', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const a = await makeHome(t, s);
  const b = await makeHome(t, s);
  for (const h of [a, b]) for (const id of ['dl-1', 'dl-2', 'dl-3']) await h.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  await a.publisher.syncAllMetadata();
  await b.publisher.syncAllMetadata();
  const body = '#!/bin/sh\necho v2 of dl-1\n';
  await a.store.updatePlaybook('dl-1', { scripts: [{ path: 'shell/stop.sh', content: body }] });
  await a.store.updatePlaybook('dl-2', { description: 'edited on A' });
  assert.deepEqual((await a.publisher.syncAllMetadata()).updated.sort(), ['dl-1', 'dl-2']);
  await b.store.updatePlaybook('dl-3', { description: 'edited on B' });

  // Every download of dl-1's new script comes back with other bytes.
  s.setFault('corrupt', { match: `/blob/t/${TEST_TENANT}/${sha256(body)}` });
  const r = await b.publisher.syncAllMetadata();
  assert.deepEqual(r.failed.map((f) => f.playbook_id), ['dl-1']);
  assert.match(r.failed[0]!.error, /could not be applied here \(tried again by the next sync\)/);
  assert.deepEqual([r.pulled, r.updated], [['dl-2'], ['dl-3']], 'the record after it was applied and the queued edit went out');
  assert.equal((await b.store.getPlaybook('dl-1')).metadata.version, '1.0.0', 'nothing half-written');
  assert.match((await b.publisher.status()).lastError?.message ?? '', /dl-1/);

  s.clearFaults();
  const next = await b.publisher.syncAllMetadata();
  assert.deepEqual([next.failed, next.pulled], [[], ['dl-1']], 'read again and applied');
  const pb = await b.store.getPlaybook('dl-1');
  assert.equal((await b.store.readScript(pb, 'shell/stop.sh')).toString(), body);
});
