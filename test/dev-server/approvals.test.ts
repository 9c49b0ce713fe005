import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { effectiveReviewStatus } from '../../src/core/escher-api/review';
import type { PlaybookRecord } from '../../src/core/escher-api/types';
import { AuthError } from '../../src/core/shared/errors';
import { sha256 } from '../../src/core/shared/hash';
import { AUTHOR_TOKEN, REVIEWER2_TOKEN, REVIEWER_TOKEN, startTestServer, TEST_TENANT, type TestServer } from '../helpers/dev-server';
import { makeMetadata, publishNew, raw, uploadScripts } from './fixtures';

/**
 * Approvals that hold, on the reference server over loopback HTTP: roles (author, trusted,
 * reviewer), no self-review, a decision bound to the exact content, and changed content pending again.
 */
async function server(t: TestContext): Promise<TestServer & { work: string }> {
  const s = await startTestServer();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-approvals-'));
  t.after(async () => {
    await s.close();
    await fs.rm(work, { recursive: true, force: true });
  });
  return { ...s, work };
}

async function refused(p: Promise<unknown>, status: number, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AuthError && e.status === status && e.serverCode === code && message.test(e.message));
}

const SCRIPT = '#!/bin/sh\necho stop\n';

test('an author token publishing uploaded_trusted lands pending; it may not approve, and only a reviewer decides', async (t) => {
  const s = await server(t);
  const author = s.client({ token: AUTHOR_TOKEN });
  const { record } = await publishNew(author, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_trusted' });
  const v = record.versions['1.0.0'];
  assert.equal(v?.review_status, 'pending', 'an author cannot vouch for its own upload');
  assert.match(v?.published_by ?? '', /^key-[0-9a-f]{16}$/);
  assert.ok(!JSON.stringify(record).includes(AUTHOR_TOKEN), 'the record never carries the token');
  assert.deepEqual((await s.api.reviewQueue()).map((i) => `${i.playbook_id}@${i.version}`), ['rds-stop@1.0.0']);

  await refused(author.review('rds-stop', '1.0.0', 'approved'), 403, 'NOT_A_REVIEWER', /only a reviewer may approve it.*--reviewer-token/);
  await refused(s.api.review('rds-stop', '1.0.0', 'approved'), 403, 'NOT_A_REVIEWER', /trusted token/);
  assert.equal((await s.api.getRecord('rds-stop'))?.versions['1.0.0']?.review_status, 'pending', 'nothing changed');
});

test('a reviewer cannot approve what it published; another reviewer can, and the decision names the exact content', async (t) => {
  const s = await server(t);
  const reviewer = s.client({ token: REVIEWER_TOKEN });
  const other = s.client({ token: REVIEWER2_TOKEN });
  const scripts = { 'shell/stop.sh': SCRIPT, 'python/check.py': 'print("ok")\n' };
  const { record, metadata } = await publishNew(reviewer, s.work, 'rds-stop', '1.0.0', scripts, { storage_strategy: 'uploaded_for_review' });
  const publishedBy = record.versions['1.0.0']?.published_by;

  await refused(reviewer.review('rds-stop', '1.0.0', 'approved'), 403, 'SELF_REVIEW', /you published rds-stop@1\.0\.0 yourself; another reviewer must approve it/);
  const raw403 = await raw(s.url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { token: REVIEWER_TOKEN, body: { status: 'rejected' } });
  assert.equal(raw403.status, 403);
  assert.deepEqual(raw403.body, { error: { code: 'SELF_REVIEW', message: 'you published rds-stop@1.0.0 yourself; another reviewer must reject it' } });

  const approved = await other.review('rds-stop', '1.0.0', 'approved', 'dry-run checked');
  const v = approved.versions['1.0.0'];
  assert.equal(v?.review_status, 'approved');
  assert.equal(v?.review_comment, 'dry-run checked');
  const d = v?.review;
  assert.ok(d);
  assert.equal(d.playbook_id, 'rds-stop');
  assert.equal(d.version, '1.0.0');
  assert.equal(d.status, 'approved');
  assert.equal(d.kind, 'review');
  assert.equal(d.content_hash, metadata.content_hash);
  assert.deepEqual(d.scripts, [
    { path: 'python/check.py', sha256: sha256('print("ok")\n') },
    { path: 'shell/stop.sh', sha256: sha256(SCRIPT) },
  ]);
  assert.match(d.reviewer, /^key-[0-9a-f]{16}$/);
  assert.notEqual(d.reviewer, publishedBy);
  assert.equal(d.comment, 'dry-run checked');
  assert.ok(Number.isFinite(Date.parse(d.at)));
  assert.deepEqual(await s.api.reviewQueue(), [], 'approved versions leave the queue');
  const fetched = await s.api.fetchMetadata('rds-stop', '1.0.0', 'tenant');
  assert.deepEqual(fetched.review, d, 'the decision reaches a client fetching the version');
  assert.equal(effectiveReviewStatus(fetched.review_status, fetched.review, fetched.metadata), 'approved');
});

test('a PATCH after approval makes the version pending again; the stale decision stays for comparison', async (t) => {
  const s = await server(t);
  const author = s.client({ token: AUTHOR_TOKEN });
  const reviewer = s.client({ token: REVIEWER_TOKEN });
  const { metadata } = await publishNew(author, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_for_review' });
  const approved = await reviewer.review('rds-stop', '1.0.0', 'approved', 'fine');
  const patch = await raw(s.url, 'PATCH', '/api/playbooks/rds-stop/versions/1.0.0', { token: AUTHOR_TOKEN, body: { description: 'now deletes the snapshots too' }, headers: { 'if-match': `"${approved.revision}"` } });
  assert.equal(patch.status, 200, patch.text);
  const v = (patch.body as PlaybookRecord).versions['1.0.0'];
  assert.equal(v?.review_status, 'pending');
  assert.equal(v?.review_comment, undefined, 'the old comment was about other content');
  assert.equal(v?.review?.content_hash, metadata.content_hash, 'the last decision still names the content it approved');
  assert.notEqual(v?.metadata.content_hash, metadata.content_hash);
  const queue = await s.api.reviewQueue();
  assert.equal(queue.length, 1);
  assert.equal(queue[0]?.last_decision?.status, 'approved');
  assert.equal(queue[0]?.content_hash, v?.metadata.content_hash);

  // A rejected version that changes also goes back to the queue.
  const rejected = await reviewer.review('rds-stop', '1.0.0', 'rejected', 'deleting snapshots needs a flag');
  const again = await raw(s.url, 'PATCH', '/api/playbooks/rds-stop/versions/1.0.0', { token: AUTHOR_TOKEN, body: { keywords: ['rds', 'flag'] }, headers: { 'if-match': `"${rejected.revision}"` } });
  assert.equal((again.body as PlaybookRecord).versions['1.0.0']?.review_status, 'pending');
});

test('an approval about other content does not count on the client', async (t) => {
  const s = await server(t);
  const { metadata } = await publishNew(s.client({ token: AUTHOR_TOKEN }), s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_for_review' });
  const rec = await s.client({ token: REVIEWER_TOKEN }).review('rds-stop', '1.0.0', 'approved');
  const d = rec.versions['1.0.0']?.review;
  assert.equal(effectiveReviewStatus('approved', d, metadata), 'approved');
  // A server (or a man in the middle) claiming "approved" for other bytes, or with no decision at all.
  const otherScript = { ...metadata, scripts: metadata.scripts.map((x) => ({ ...x, sha256: sha256('rm -rf /') })) };
  assert.equal(effectiveReviewStatus('approved', d, otherScript), 'pending');
  assert.equal(effectiveReviewStatus('approved', d && { ...d, content_hash: sha256('x') }, metadata), 'pending');
  assert.equal(effectiveReviewStatus('approved', d && { ...d, status: 'rejected' }, metadata), 'pending');
  assert.equal(effectiveReviewStatus('approved', undefined, metadata), 'pending');
  assert.equal(effectiveReviewStatus('not_required', undefined, metadata), 'not_required');
});

test('a trusted token publishing uploaded_trusted lands approved, recorded as a trusted upload; for review it stays pending', async (t) => {
  const s = await server(t);
  const { record, metadata } = await publishNew(s.api, s.work, 'ci-deploy', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_trusted' });
  const d = record.versions['1.0.0']?.review;
  assert.equal(record.versions['1.0.0']?.review_status, 'approved');
  assert.equal(d?.kind, 'trusted_upload');
  assert.equal(d?.reviewer, record.versions['1.0.0']?.published_by);
  assert.equal(d?.content_hash, metadata.content_hash);
  const forReview = await publishNew(s.api, s.work, 'ci-other', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_for_review' });
  assert.equal(forReview.record.versions['1.0.0']?.review_status, 'pending');
});

test('deleting an approved version and publishing it again with other content starts over as pending', async (t) => {
  const s = await server(t);
  const author = s.client({ token: AUTHOR_TOKEN });
  await publishNew(author, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_for_review' });
  await publishNew(author, s.work, 'rds-keep', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_for_review' });
  const approved = await s.client({ token: REVIEWER_TOKEN }).review('rds-stop', '1.0.0', 'approved');
  const gone = await author.deleteVersion('rds-stop', '1.0.0', { ifMatch: approved.revision });
  const body = '#!/bin/sh\necho something else\n';
  await uploadScripts(author, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': body });
  const md = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': body }, { storage_strategy: 'uploaded_trusted' });
  const back = await author.publishMetadata({ metadata: md }, { ifNoneMatch: '*' });
  assert.ok(gone.deleted);
  assert.equal(back.versions['1.0.0']?.review_status, 'pending');
  assert.equal(back.versions['1.0.0']?.review, undefined);
});

test('an admin token reviews for the tenant it names, but not its own upload', async (t) => {
  const s = await server(t);
  const admin = s.client({ token: 'test-admin-token' });
  await publishNew(admin, s.work, 'adm-pb', '1.0.0', { 'shell/stop.sh': SCRIPT }, { storage_strategy: 'uploaded_for_review' });
  await refused(admin.review('adm-pb', '1.0.0', 'approved'), 403, 'SELF_REVIEW', /yourself/);
  const rec = await s.client({ token: REVIEWER_TOKEN }).review('adm-pb', '1.0.0', 'approved');
  assert.equal(rec.versions['1.0.0']?.review?.content_hash, rec.versions['1.0.0']?.metadata.content_hash);
  assert.equal(TEST_TENANT, 'acme');
});
