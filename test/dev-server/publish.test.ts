import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { contentHash } from '../../src/core/escher-api/content-hash';
import { tenantS3Path } from '../../src/core/escher-api/s3-path';
import type { PublishedMetadata } from '../../src/core/escher-api/types';
import { NotFoundError, PreconditionFailedError, RequestRejectedError, VersionConflictError } from '../../src/core/shared/errors';
import { ADMIN_TOKEN, OTHER_TENANT, OTHER_TOKEN, startTestServer, TEST_TENANT, type TestServer } from '../helpers/dev-server';
import { makeMetadata, publishNew, raw, rehash, uploadScripts } from './fixtures';

async function server(t: { after(fn: () => Promise<void>): void }, opts = {}): Promise<TestServer & { work: string }> {
  const s = await startTestServer(opts);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-publish-test-'));
  t.after(async () => {
    await s.close();
    await fs.rm(work, { recursive: true, force: true });
  });
  return { ...s, work };
}

async function rejectsWith(p: Promise<unknown>, status: number, serverCode: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RequestRejectedError, `expected RequestRejectedError, got ${String(e)}`);
    assert.equal(e.status, status);
    assert.equal(e.serverCode, serverCode);
    return true;
  });
}

test('first publish stores the version, fills in s3_path, approves trusted at once, and starts the feed', async (t) => {
  const s = await server(t);
  const { record, metadata } = await publishNew(s.api, s.work, 'rds-stop');
  assert.equal(record.seq, 1);
  assert.equal(record.latest_version, '1.0.0');
  assert.equal(record.deleted, false);
  const v = record.versions['1.0.0'];
  assert.ok(v);
  assert.equal(v.review_status, 'approved');
  assert.equal(v.has_vector, false);
  assert.equal(v.metadata.content_hash, metadata.content_hash);
  assert.equal(v.metadata.scripts[0]?.s3_path, tenantS3Path(TEST_TENANT, 'rds-stop', '1.0.0', 'shell/stop.sh'));
  assert.deepEqual(await s.api.getRecord('rds-stop'), record);
  const page = await s.api.getChanges(0);
  assert.deepEqual(page, { changes: [record], next: 1, more: false });
  const forReview = await publishNew(s.api, s.work, 'ec2-stop', '1.0.0', undefined, { storage_strategy: 'uploaded_for_review' });
  assert.equal(forReview.record.versions['1.0.0']?.review_status, 'pending');
});

test('publishing identical content again changes nothing, whatever the precondition', async (t) => {
  const s = await server(t);
  const { record, metadata } = await publishNew(s.api, s.work, 'rds-stop');
  const again = await s.api.publishMetadata({ metadata }, { ifNoneMatch: '*' });
  assert.deepEqual(again, record);
  const stale = await s.api.publishMetadata({ metadata }, { ifMatch: 'not-the-revision' });
  assert.equal(stale.revision, record.revision);
  assert.equal((await s.api.getChanges(0)).next, 1);
});

test('new versions need the current revision; latest_version follows semver, not publish order', async (t) => {
  const s = await server(t);
  const scripts = { 'shell/stop.sh': 'echo v\n' };
  let { record } = await publishNew(s.api, s.work, 'rds-stop', '1.9.0', scripts);
  for (const version of ['1.10.0', '1.2.0']) {
    await uploadScripts(s.api, s.work, 'rds-stop', version, scripts);
    const next = await s.api.publishMetadata({ metadata: makeMetadata('rds-stop', version, scripts) }, { ifMatch: record.revision });
    assert.notEqual(next.revision, record.revision);
    assert.equal(next.seq, record.seq + 1);
    record = next;
  }
  assert.equal(record.latest_version, '1.10.0');
  assert.deepEqual(Object.keys(record.versions).sort(), ['1.10.0', '1.2.0', '1.9.0']);
  assert.equal((await s.api.fetchMetadata('rds-stop', 'latest')).metadata.version, '1.10.0');
});

test('a stale If-Match is 412 with the current record; If-None-Match on an existing id is 412; none at all is 428', async (t) => {
  const s = await server(t);
  const { record } = await publishNew(s.api, s.work, 'rds-stop');
  const scripts = { 'shell/stop.sh': 'echo two\n' };
  await uploadScripts(s.api, s.work, 'rds-stop', '2.0.0', scripts);
  const v2 = makeMetadata('rds-stop', '2.0.0', scripts);
  await assert.rejects(s.api.publishMetadata({ metadata: v2 }, { ifMatch: '99-stale' }), (e: unknown) => {
    assert.ok(e instanceof PreconditionFailedError);
    assert.deepEqual(e.current, record);
    return true;
  });
  await assert.rejects(s.api.publishMetadata({ metadata: v2 }, { ifNoneMatch: '*' }), (e: unknown) => e instanceof PreconditionFailedError && (e.current as { revision: string }).revision === record.revision);
  await rejectsWith(s.api.publishMetadata({ metadata: v2 }, {}), 428, 'PRECONDITION_REQUIRED');
  assert.deepEqual(await s.api.getRecord('rds-stop'), record, 'refused publishes changed nothing');
});

test('the same version with different content is 409 with the current record', async (t) => {
  const s = await server(t);
  const { record } = await publishNew(s.api, s.work, 'rds-stop');
  const changed = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': `#!/bin/sh\necho stop rds-stop\n` }, { description: 'edited elsewhere' });
  await assert.rejects(s.api.publishMetadata({ metadata: changed }, { ifMatch: record.revision }), (e: unknown) => {
    assert.ok(e instanceof VersionConflictError);
    assert.deepEqual(e.current, record);
    return true;
  });
});

test('local_only, invalid metadata, a wrong content_hash and missing scripts are 422 and store nothing', async (t) => {
  const s = await server(t);
  const scripts = { 'shell/stop.sh': 'echo 1\n' };
  const good = makeMetadata('rds-stop', '1.0.0', scripts);
  await rejectsWith(s.api.publishMetadata({ metadata: { ...good, storage_strategy: 'local_only' } as unknown as PublishedMetadata }, { ifNoneMatch: '*' }), 422, 'LOCAL_ONLY');
  await rejectsWith(s.api.publishMetadata({ metadata: rehash({ ...good, name: '' }) }, { ifNoneMatch: '*' }), 422, 'INVALID_METADATA');
  await rejectsWith(s.api.publishMetadata({ metadata: { ...good, playbook_id: '../etc' } }, { ifNoneMatch: '*' }), 422, 'INVALID_METADATA');
  await rejectsWith(s.api.publishMetadata({ metadata: { ...good, description: 'changed after hashing' } }, { ifNoneMatch: '*' }), 422, 'CONTENT_HASH_MISMATCH');
  await rejectsWith(s.api.publishMetadata({ metadata: good }, { ifNoneMatch: '*' }), 422, 'SCRIPT_NOT_UPLOADED');
  await uploadScripts(s.api, s.work, 'rds-stop', '1.0.0', scripts);
  const foreign = rehash({ ...good, scripts: good.scripts.map((x) => ({ ...x, s3_path: tenantS3Path(OTHER_TENANT, 'rds-stop', '1.0.0', x.path) })) });
  await rejectsWith(s.api.publishMetadata({ metadata: foreign }, { ifNoneMatch: '*' }), 422, 'FOREIGN_S3_PATH');
  assert.equal(await s.api.getRecord('rds-stop'), null);
  assert.deepEqual((await s.api.getChanges(0)).changes, []);
  // And the good one still goes through afterwards.
  assert.equal((await s.api.publishMetadata({ metadata: good }, { ifNoneMatch: '*' })).seq, 1);
});

test('script paths no device could write as one folder (a file beside a folder of its name, case-only twins, a Windows device name) are 422 and store nothing', async (t) => {
  const s = await server(t);
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ 'shell/a': 'echo a\n', 'shell/a/b.sh': 'echo b\n' }, /"shell\/a" is also a folder of "shell\/a\/b.sh"/],
    [{ 'shell/Stop.sh': 'echo 1\n', 'shell/stop.sh': 'echo 2\n' }, /differ only in case/],
    [{ 'shell/aux.sh': 'echo aux\n' }, /reserved device name on Windows/],
  ];
  for (const [scripts, message] of cases) {
    const metadata = makeMetadata('paths', '1.0.0', scripts);
    for (const [p, body] of Object.entries(scripts)) {
      const file = path.join(s.work, `${p.replace(/\//g, '_')}`);
      await fs.writeFile(file, body);
      // Uploaded by content: the upload is not what refuses them.
      await s.api.uploadScript({ playbookId: 'paths', version: '1.0.0', path: 'shell/upload.sh', file, sha256: metadata.scripts.find((x) => x.path === p)!.sha256, size: Buffer.byteLength(body) });
    }
    await assert.rejects(s.api.publishMetadata({ metadata }, { ifNoneMatch: '*' }), (e: unknown) => {
      assert.ok(e instanceof RequestRejectedError, String(e));
      assert.deepEqual([e.status, e.serverCode], [422, 'INVALID_METADATA']);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.equal(await s.api.getRecord('paths'), null);
  assert.deepEqual((await s.api.getChanges(0)).changes, []);
});

test('scripts already in tenant storage (same bytes, another version) need no new upload', async (t) => {
  const s = await server(t);
  const scripts = { 'shell/stop.sh': 'echo same bytes\n' };
  const { record } = await publishNew(s.api, s.work, 'rds-stop', '1.0.0', scripts);
  const v2 = makeMetadata('rds-stop', '1.1.0', scripts);
  assert.deepEqual(await s.api.missingBlobs(v2.scripts.map((x) => x.sha256)), []);
  const next = await s.api.publishMetadata({ metadata: v2 }, { ifMatch: record.revision });
  const s3 = next.versions['1.1.0']?.metadata.scripts[0]?.s3_path;
  assert.equal(s3, tenantS3Path(TEST_TENANT, 'rds-stop', '1.1.0', 'shell/stop.sh'));
  const ticket = await s.api.requestDownload(s3 as string);
  assert.equal(ticket.sha256, v2.scripts[0]?.sha256);
});

test('an Idempotency-Key replays the first response; reused for another request it is 422', async (t) => {
  const s = await server(t);
  const scripts = { 'shell/stop.sh': 'echo 1\n' };
  await uploadScripts(s.api, s.work, 'rds-stop', '1.0.0', scripts);
  const md = makeMetadata('rds-stop', '1.0.0', scripts);
  const first = await s.api.publishMetadata({ metadata: md }, { ifNoneMatch: '*', idempotencyKey: 'op-1' });
  // The retry of a request whose response was lost: replayed, not 412, and nothing applied twice.
  const replay = await raw(s.url, 'POST', '/api/playbook/metadata/publish', { body: { metadata: md }, headers: { 'if-none-match': '*', 'idempotency-key': 'op-1' } });
  assert.equal(replay.status, 200);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal(replay.headers.etag, `"${first.revision}"`);
  assert.deepEqual(replay.body, first);
  await uploadScripts(s.api, s.work, 'rds-stop', '1.1.0', scripts);
  await rejectsWith(s.api.publishMetadata({ metadata: makeMetadata('rds-stop', '1.1.0', scripts) }, { ifMatch: first.revision, idempotencyKey: 'op-1' }), 422, 'IDEMPOTENCY_KEY_REUSED');
  assert.equal((await s.api.getChanges(0)).next, 1);
});

test('a vector published later sets has_vector (a mutation); the same vector again is a no-op', async (t) => {
  const s = await server(t);
  const { record, metadata } = await publishNew(s.api, s.work, 'rds-stop');
  const vector = Array.from({ length: 512 }, (_, i) => Math.sin(i));
  const withVector = await s.api.publishMetadata({ metadata, vector, vector_model: 'use-lite' }, { ifMatch: record.revision });
  assert.equal(withVector.versions['1.0.0']?.has_vector, true);
  assert.equal(withVector.seq, 2);
  const again = await s.api.publishMetadata({ metadata, vector, vector_model: 'use-lite' }, { ifMatch: 'whatever' });
  assert.equal(again.revision, withVector.revision);
  const stored = JSON.parse(await fs.readFile(path.join(s.dataDir, 'tenants', TEST_TENANT, 'vectors', 'rds-stop', '1.0.0.json'), 'utf8')) as { vector: number[] };
  assert.deepEqual(stored.vector, vector);
});

test('a reviewer approves or rejects; the status and comment reach the feed and fetchMetadata', async (t) => {
  const s = await server(t);
  const { record } = await publishNew(s.api, s.work, 'rds-stop', '1.0.0', undefined, { storage_strategy: 'uploaded_for_review' });
  const reviewer = { token: ADMIN_TOKEN };
  const rejected = await raw(s.url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { ...reviewer, body: { status: 'rejected', comment: 'needs a dry-run flag' } });
  assert.equal(rejected.status, 200);
  const after = rejected.body as typeof record;
  assert.equal(after.versions['1.0.0']?.review_status, 'rejected');
  assert.equal(after.versions['1.0.0']?.review_comment, 'needs a dry-run flag');
  assert.ok(after.seq > record.seq);
  const approved = await raw(s.url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { ...reviewer, body: { status: 'approved' }, headers: { 'if-match': `"${after.revision}"` } });
  assert.equal((approved.body as typeof record).versions['1.0.0']?.review_status, 'approved');
  assert.equal((approved.body as typeof record).versions['1.0.0']?.review_comment, undefined);
  assert.equal((await s.api.fetchMetadata('rds-stop', '1.0.0', 'tenant')).review_status, 'approved');
  const feed = await s.api.getChanges(record.seq);
  assert.equal(feed.changes[0]?.versions['1.0.0']?.review_status, 'approved');
  const bad = await raw(s.url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { ...reviewer, body: { status: 'maybe' } });
  assert.equal(bad.status, 400);
  const missing = await raw(s.url, 'POST', '/api/playbooks/rds-stop/versions/9.9.9/review', { ...reviewer, body: { status: 'approved' } });
  assert.equal(missing.status, 404);
});

test('PATCH edits fields under If-Match, recomputes content_hash and bumps the revision', async (t) => {
  const s = await server(t);
  const { record } = await publishNew(s.api, s.work, 'rds-stop');
  const url = '/api/playbooks/rds-stop/versions/1.0.0';
  assert.equal((await raw(s.url, 'PATCH', url, { body: { name: 'Renamed' } })).status, 428);
  assert.equal((await raw(s.url, 'PATCH', url, { body: { name: 'Renamed' }, headers: { 'if-match': '"1-nope"' } })).status, 412);
  assert.equal((await raw(s.url, 'PATCH', url, { body: { scripts: [] }, headers: { 'if-match': `"${record.revision}"` } })).status, 400, 'only descriptive fields');
  const res = await raw(s.url, 'PATCH', url, { body: { name: 'Renamed', keywords: ['rds', 'nightly'] }, headers: { 'if-match': `"${record.revision}"` } });
  assert.equal(res.status, 200);
  const next = res.body as typeof record;
  const md = next.versions['1.0.0']?.metadata as PublishedMetadata;
  assert.equal(md.name, 'Renamed');
  assert.deepEqual(md.keywords, ['rds', 'nightly']);
  assert.equal(md.content_hash, contentHash(md));
  assert.notEqual(md.content_hash, record.versions['1.0.0']?.metadata.content_hash);
  assert.equal(res.headers.etag, `"${next.revision}"`);
});

test('deletes need If-Match, leave tombstones in the feed, and a deleted id can be published again', async (t) => {
  const s = await server(t);
  const scripts = { 'shell/stop.sh': 'echo 1\n' };
  const { record } = await publishNew(s.api, s.work, 'rds-stop', '1.0.0', scripts);
  await uploadScripts(s.api, s.work, 'rds-stop', '1.1.0', scripts);
  const two = await s.api.publishMetadata({ metadata: makeMetadata('rds-stop', '1.1.0', scripts) }, { ifMatch: record.revision });
  await rejectsWith(s.api.deleteVersion('rds-stop', '1.1.0', {}), 428, 'PRECONDITION_REQUIRED');
  await assert.rejects(s.api.deleteVersion('rds-stop', '1.1.0', { ifMatch: record.revision }), PreconditionFailedError);
  const one = await s.api.deleteVersion('rds-stop', '1.1.0', { ifMatch: two.revision });
  assert.deepEqual(Object.keys(one.versions), ['1.0.0']);
  assert.equal(one.latest_version, '1.0.0');
  await assert.rejects(s.api.deleteVersion('rds-stop', '1.1.0', { ifMatch: one.revision }), NotFoundError);
  const tomb = await s.api.deleteVersion('rds-stop', '1.0.0', { ifMatch: one.revision });
  assert.equal(tomb.deleted, true);
  assert.deepEqual(tomb.versions, {});
  assert.equal(tomb.latest_version, null);
  const feed = await s.api.getChanges(two.seq);
  assert.deepEqual(feed.changes.map((c) => [c.playbook_id, c.deleted]), [['rds-stop', true]]);
  // Deleting a tombstone is a no-op; fetching its versions is 404; the record is still readable.
  assert.equal((await s.api.deletePlaybook('rds-stop', { ifMatch: tomb.revision })).revision, tomb.revision);
  await assert.rejects(s.api.fetchMetadata('rds-stop', 'latest', 'tenant'), NotFoundError);
  assert.equal((await s.api.getRecord('rds-stop'))?.deleted, true);
  // The blob is still in tenant storage (content-addressed), so no new upload is needed.
  const reborn = await s.api.publishMetadata({ metadata: makeMetadata('rds-stop', '2.0.0', scripts) }, { ifNoneMatch: '*' });
  assert.equal(reborn.deleted, false);
  assert.deepEqual(Object.keys(reborn.versions), ['2.0.0']);
  await assert.rejects(s.api.deletePlaybook('never-there', { ifMatch: '*' }), NotFoundError);
  const gone = await s.api.deletePlaybook('rds-stop', { ifMatch: reborn.revision });
  assert.equal(gone.deleted, true);
});

test('the changes feed pages in seq order and costs one small request when nothing changed', async (t) => {
  const s = await server(t);
  for (const id of ['a1', 'b2', 'c3', 'd4', 'e5']) await publishNew(s.api, s.work, id);
  const seen: string[] = [];
  let since = 0;
  let pages = 0;
  for (;;) {
    const page = await s.api.getChanges(since, 2);
    pages++;
    seen.push(...page.changes.map((c) => `${c.seq}:${c.playbook_id}`));
    since = page.next;
    if (!page.more) break;
  }
  assert.deepEqual(seen, ['1:a1', '2:b2', '3:c3', '4:d4', '5:e5']);
  assert.equal(pages, 3);
  s.server.resetRequests();
  assert.deepEqual(await s.api.getChanges(since), { changes: [], next: 5, more: false });
  assert.equal((await s.requestsAtLeast(1)).length, 1);
  const bad = await raw(s.url, 'GET', '/api/changes?since=-1');
  assert.equal(bad.status, 400);
  assert.equal((await raw(s.url, 'GET', '/api/changes?limit=5000')).status, 400);
});

test('parallel publishes get distinct, gap-free seqs', async (t) => {
  const s = await server(t);
  const ids = Array.from({ length: 20 }, (_, i) => `pb-${i}`);
  const records = await Promise.all(ids.map((id) => publishNew(s.api, s.work, id)));
  assert.deepEqual(records.map((r) => r.record.seq).sort((a, b) => a - b), ids.map((_, i) => i + 1));
});

test('tenants are isolated: another tenant sees none of it', async (t) => {
  const s = await server(t);
  await publishNew(s.api, s.work, 'rds-stop');
  const globex = s.client({ tenantId: OTHER_TENANT, token: OTHER_TOKEN });
  assert.equal(await globex.getRecord('rds-stop'), null);
  assert.deepEqual((await globex.getChanges(0)).changes, []);
  assert.deepEqual(await globex.search('rds'), []);
  await assert.rejects(globex.fetchMetadata('rds-stop', '1.0.0'), NotFoundError);
});

test('records, seq, uploads and signed URLs survive a restart on the same data dir', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-restart-'));
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-restart-work-'));
  t.after(() => Promise.all([fs.rm(dataDir, { recursive: true, force: true }), fs.rm(work, { recursive: true, force: true })]));
  const first = await startTestServer({ dataDir, keepDataDir: true, durable: true });
  const { record } = await publishNew(first.api, work, 'rds-stop');
  const ticket = await first.api.requestDownload(record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string);
  await first.close();

  const second = await startTestServer({ dataDir, keepDataDir: true });
  t.after(() => second.close());
  assert.deepEqual(await second.api.getRecord('rds-stop'), record);
  assert.deepEqual((await second.api.getChanges(0)).changes, [record]);
  const { record: next } = await publishNew(second.api, work, 'ec2-stop');
  assert.equal(next.seq, 2, 'seq continues after a restart');
  // A URL issued before the restart still verifies (the HMAC key is persisted); only the port moved.
  const moved = new URL(ticket.url);
  moved.port = new URL(second.url).port;
  const got = await second.api.fetchStream(moved.href);
  let bytes = 0;
  for await (const c of got.stream) bytes += (c as Buffer).length;
  assert.equal(bytes, ticket.size);
  const fresh = await second.api.requestDownload(record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string);
  assert.equal(fresh.sha256, ticket.sha256);
});

test('idempotency keys expire after 24 h (then the key is free again)', async (t) => {
  let now = Date.parse('2026-06-01T00:00:00Z');
  const clock = { now: () => now, setTimeout: (fn: () => void, ms: number) => ({ cancel: clearTimeout.bind(null, setTimeout(fn, ms)) }) };
  const s = await server(t, { clock });
  const scripts = { 'shell/stop.sh': 'echo 1\n' };
  await uploadScripts(s.api, s.work, 'rds-stop', '1.0.0', scripts);
  const first = await s.api.publishMetadata({ metadata: makeMetadata('rds-stop', '1.0.0', scripts) }, { ifNoneMatch: '*', idempotencyKey: 'day-1' });
  await uploadScripts(s.api, s.work, 'rds-stop', '1.1.0', scripts);
  const other = { metadata: makeMetadata('rds-stop', '1.1.0', scripts) };
  await rejectsWith(s.api.publishMetadata(other, { ifMatch: first.revision, idempotencyKey: 'day-1' }), 422, 'IDEMPOTENCY_KEY_REUSED');
  now += 24 * 3600 * 1000 + 1;
  assert.equal((await s.api.publishMetadata(other, { ifMatch: first.revision, idempotencyKey: 'day-1' })).seq, 2);
});
