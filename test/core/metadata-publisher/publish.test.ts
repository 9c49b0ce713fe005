import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import type { PlaybookRecord } from '../../../src/core/escher-api/types';
import { sha256 } from '../../../src/core/shared/hash';
import { REVIEWER_TOKEN, startTestServer } from '../../helpers/dev-server';
import { FakeClock } from '../../helpers/fake-clock';
import { filesContaining, makeHome, playbookInput, serverCall } from './harness';

test('publish end to end: scripts land in tenant storage, metadata (no bodies, no secrets) in the collection, local moves to synced', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  const secret = 'hunter2-very-secret-default';
  await h.store.createPlaybook(
    playbookInput('weekend-rds-shutdown', {
      storage_strategy: 'local_only',
      parameters: [
        { name: 'region', type: 'string', default: 'eu-west-1' },
        { name: 'db_password', type: 'string', sensitive: true, default: secret },
      ],
      scripts: [
        { path: 'shell/stop.sh', content: '#!/bin/sh\naws rds stop-db-instance\n' },
        { path: 'python/stop.py', content: 'print("sensitive body")\n', sensitive: true },
      ],
    }),
  );
  const r = await h.publisher.publishMetadata('weekend-rds-shutdown', { strategy: 'uploaded_for_review' });
  assert.equal(r.status, 'published');
  assert.equal(r.version, '1.0.1', 'local_only -> for_review is recorded as a new version');
  assert.equal(r.review_status, 'pending');

  const rec = (await s.api.getRecord('weekend-rds-shutdown')) as PlaybookRecord;
  assert.deepEqual(Object.keys(rec.versions), ['1.0.1'], 'the local_only v1.0.0 never left the machine');
  const meta = rec.versions['1.0.1']!.metadata;
  assert.equal(meta.storage_strategy, 'uploaded_for_review');
  assert.equal(meta.parameters.find((p) => p.name === 'db_password')?.default, undefined, 'sensitive default stripped');
  assert.equal(meta.parameters.find((p) => p.name === 'region')?.default, 'eu-west-1');
  assert.ok(!JSON.stringify(meta).includes('aws rds stop-db-instance'), 'no script body in the metadata');
  // Each script is downloadable from tenant storage and is byte-identical.
  for (const script of meta.scripts) {
    const ticket = await s.api.requestDownload(script.s3_path!);
    const bytes = Buffer.from(await (await fetch(ticket.url)).arrayBuffer());
    assert.equal(sha256(bytes), script.sha256, script.path);
  }
  assert.deepEqual(await filesContaining(s.dataDir, secret), [], 'the sensitive default is nowhere on the server');

  const local = await h.store.getPlaybook('weekend-rds-shutdown');
  assert.equal(local.area, 'synced');
  assert.equal((await h.publisher.reviewStatus('weekend-rds-shutdown'))?.review_status, 'pending');
  const state = JSON.parse(await fs.readFile(h.stateFile, 'utf8')) as { playbooks: Record<string, { revision: string }>; outbox: unknown[] };
  assert.equal(state.playbooks['weekend-rds-shutdown']?.revision, rec.revision);
  assert.deepEqual(state.outbox, []);
});

test('publish uploads only the scripts the server lacks; trusted is approved at once', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('a'));
  await h.store.createPlaybook(playbookInput('b', { scripts: [{ path: 'shell/stop.sh', content: '#!/bin/sh\necho stopping a\n' }] }));
  await h.publisher.publishMetadata('a', { strategy: 'uploaded_for_review' });
  s.server.resetRequests();
  const r = await h.publisher.publishMetadata('b', { strategy: 'uploaded_trusted' });
  assert.equal(r.review_status, 'approved');
  const uploads = s.server.requests().filter((x) => x.path === '/api/playbook/upload');
  assert.equal(uploads.length, 0, 'same bytes as a script of "a": nothing re-sent');
});

test('no-op sync is one small request; an edit (even within the same second) is detected by content hash', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const frozen = new FakeClock(); // every timestamp the store writes is identical
  const h = await makeHome(t, s, { storeClock: frozen });
  await h.store.createPlaybook(playbookInput('p1'));
  await h.publisher.publishMetadata('p1', { strategy: 'uploaded_for_review' });
  const noop = await h.publisher.syncAllMetadata();
  assert.equal(noop.requests, 1, 'only the changes feed');
  assert.deepEqual([noop.published, noop.updated, noop.failed], [[], [], []]);
  await h.store.updatePlaybook('p1', { description: 'edited in the same second' });
  const r = await h.publisher.syncAllMetadata();
  assert.deepEqual(r.updated, ['p1']);
  assert.equal((await s.api.getRecord('p1'))?.versions['1.0.1']?.metadata.description, 'edited in the same second');
  assert.equal((await h.publisher.syncAllMetadata()).requests, 1);
});

test('review status and a reviewer field edit come back on sync and show locally', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('p2'));
  await h.publisher.publishMetadata('p2', { strategy: 'uploaded_for_review' });
  const rec = (await s.api.getRecord('p2'))!;
  const edit = await serverCall(s, 'PATCH', '/api/playbooks/p2/versions/1.0.0', { description: 'Reviewed wording' }, { 'if-match': `"${rec.revision}"` });
  assert.equal(edit.status, 200);
  // A reviewer token: the publishing token may not review (test/dev-server/approvals.test.ts).
  assert.equal((await serverCall(s, 'POST', '/api/playbooks/p2/versions/1.0.0/review', { status: 'approved', comment: 'ok' }, { authorization: `Bearer ${REVIEWER_TOKEN}` })).status, 200);
  const r = await h.publisher.syncAllMetadata();
  assert.deepEqual(r.pulled, ['p2']);
  assert.deepEqual(r.reviewChanges.map((x) => x.status), ['approved']);
  const info = await h.publisher.reviewStatus('p2');
  assert.equal(info?.review_status, 'approved');
  assert.equal(info?.review_comment, 'ok');
  const local = await h.store.getPlaybook('p2');
  assert.equal(local.metadata.description, 'Reviewed wording', 'fast-forwarded to the reviewer edit as a new local version');
  const again = await h.publisher.syncAllMetadata();
  assert.deepEqual([again.updated, again.published], [[], []], 'the pulled version is not echoed back');
});

test('local_only never leaves the machine: not by sync, not by an outbox replay, not as an old version', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('private-local', { storage_strategy: 'local_only' }));
  await h.store.createPlaybook(playbookInput('private-synced', { storage_strategy: 'local_only', area: 'synced' }));
  await h.store.createPlaybook(playbookInput('shared', { area: 'synced' }));
  // A forged outbox entry (e.g. from an older client) for the local_only playbook.
  await h.publisher.syncAllMetadata();
  const state = JSON.parse(await fs.readFile(h.stateFile, 'utf8')) as { outbox: unknown[] };
  state.outbox.push({ kind: 'publish', key: 'forged-1', playbook_id: 'private-synced', version: '1.0.0', content_hash: 'x', move_to_synced: true, enqueued_at: new Date().toISOString(), attempts: 0, next_attempt_at: 0, precondition: { ifNoneMatch: '*' } });
  await fs.writeFile(h.stateFile, JSON.stringify(state));
  s.server.resetRequests();
  const r = await h.publisher.syncAllMetadata();
  assert.ok(r.skipped.some((x) => x.playbook_id === 'private-synced' && x.reason === 'local_only'));
  const mutations = s.server.requests().filter((x) => x.method === 'POST');
  assert.deepEqual(mutations, [], 'no upload, no publish');
  assert.equal(await s.api.getRecord('private-local'), null);
  assert.equal(await s.api.getRecord('private-synced'), null);
  assert.ok(await s.api.getRecord('shared'));
  // Making a synced playbook local_only stops its uploads; the server keeps its last copy.
  await h.store.updatePlaybook('shared', { storage_strategy: 'local_only', description: 'now private' });
  const r2 = await h.publisher.syncAllMetadata();
  assert.ok(r2.skipped.some((x) => x.playbook_id === 'shared'));
  assert.equal((await s.api.getRecord('shared'))?.latest_version, '1.0.0');
  assert.deepEqual(await filesContaining(s.dataDir, 'now private'), []);
});

test('a deleted synced playbook is deleted on the server; a server delete removes an unchanged local copy', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('gone-here', { area: 'synced' }));
  await h.store.createPlaybook(playbookInput('gone-there', { area: 'synced' }));
  await h.publisher.syncAllMetadata();
  await h.store.deletePlaybook('gone-here');
  const rec = (await s.api.getRecord('gone-there'))!;
  await s.api.deletePlaybook('gone-there', { ifMatch: rec.revision });
  const r = await h.publisher.syncAllMetadata();
  assert.deepEqual(r.deleted.sort(), ['local:gone-there', 'server:gone-here']);
  assert.equal((await s.api.getRecord('gone-here'))?.deleted, true);
  assert.deepEqual((await h.store.listPlaybooks()).map((x) => x.playbook_id), []);
});

test('a publish the server refuses for good (413 here, like a 422) is an error, not "published", and is not retried forever', async (t) => {
  const s = await startTestServer({ maxUploadBytes: 10 });
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('too-big'));
  s.server.resetRequests();
  await assert.rejects(h.publisher.publishMetadata('too-big', { strategy: 'uploaded_for_review' }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'SERVER');
    assert.match(e.message, /refused to publish "too-big"/);
    return true;
  });
  assert.equal((await h.store.getPlaybook('too-big')).area, 'local', 'not moved');
  assert.deepEqual((await h.publisher.status()).queued, [], 'not left to hammer the server');
  assert.equal(await s.api.getRecord('too-big'), null);
});

test('a playbook whose id is also the name of an Object property ("constructor") publishes, syncs and deletes like any other', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('constructor'));
  const p = await h.publisher.publishMetadata('constructor', { strategy: 'uploaded_for_review' });
  assert.equal(p.status, 'published');
  assert.equal((await h.publisher.reviewStatus('constructor'))?.review_status, 'pending');
  await h.store.updatePlaybook('constructor', { description: 'edited' });
  assert.deepEqual((await h.publisher.syncAllMetadata()).updated, ['constructor']);
  assert.equal((await h.publisher.syncViews()).get('constructor')?.sync_state, 'synced');
  await h.store.deletePlaybook('constructor');
  assert.deepEqual((await h.publisher.syncAllMetadata()).deleted, ['server:constructor']);
  assert.equal((await s.api.getRecord('constructor'))?.deleted, true);
  assert.equal(await h.publisher.reviewStatus('constructor'), undefined);
});
