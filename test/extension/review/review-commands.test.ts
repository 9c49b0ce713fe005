import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { publishFlow } from '../../../src/extension/commands/publish';
import { runCommand } from '../../../src/extension/commands/run-command';
import { syncNowFlow } from '../../../src/extension/commands/sync';
import { approveFlow, commentProblem, compareWithLastApprovedFlow, rejectFlow, signInReviewerFlow } from '../../../src/extension/review/review-commands';
import { reviewItem, reviewTooltip } from '../../../src/extension/review/review-rows';
import { AUTHOR_TOKEN, REVIEWER_TOKEN, TEST_TENANT, type TestServer } from '../../helpers/dev-server';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { commandEnv } from '../helpers/command-env';
import { commandsHost } from '../helpers/commands-host';
import { libraryServer } from '../helpers/library-server';
import type { Answer } from '../helpers/scripted-ui';

/** The author's home: publishes "Weekend RDS shutdown" for review (v1.0.1). */
async function author(t: TestContext, s: TestServer) {
  const env = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  await env.svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'x', scripts: [{ path: 'shell/stop.sh', content: 'echo stop\n' }] });
  assert.equal(await publishFlow(env.ctx, { playbookId: 'weekend-rds-shutdown' }, 'uploaded_for_review'), 'published');
  return env;
}

/** A reviewer's window: signed in to the tenant as an author too (its scripts come through that token), reviewer token stored. */
async function reviewer(t: TestContext, s: TestServer, answers: Answer[] = [], token = REVIEWER_TOKEN) {
  const env = await commandEnv(t, { answers, serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  const secrets = new MemorySecrets({ 'escher.token': AUTHOR_TOKEN, 'escher.reviewerToken': token });
  return { ...env, ...commandsHost(env.ctx, env.svc, { secrets }) };
}

test('Sign In as Reviewer keeps a token in secret storage only once the server accepts it; an author token is refused at the first decision, with Sign In as Reviewer offered', async (t) => {
  const s = await libraryServer(t);
  await author(t, s);
  const answers: Answer[] = ['not-a-token-of-this-server'];
  const { ui, ctx, svc } = await commandEnv(t, { answers, serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  const { host, record, secrets } = commandsHost(ctx, svc);
  await assert.rejects(signInReviewerFlow(ctx, host.review), (e: Error & { code?: string }) => e.code === 'AUTH');
  assert.equal(secrets.values.get('escher.reviewerToken'), undefined);
  assert.equal(ui.inputs[0]?.password, true);
  // The queue is the tenant's to read; only a decision needs the reviewer's right.
  answers.push(AUTHOR_TOKEN);
  assert.equal(await signInReviewerFlow(ctx, host.review), true);
  assert.equal(secrets.values.get('escher.reviewerToken'), AUTHOR_TOKEN);
  assert.deepEqual(record.reviewer, [true]);
  assert.equal(record.queueRefreshes, 1);
  const [item] = await s.client({ token: REVIEWER_TOKEN }).reviewQueue();
  answers.push('');
  await runCommand({ ui, log: ctx.log, showLog: () => {} }, 'escher.approveVersion', 'Approve', (arg) => approveFlow(ctx, host.review, arg), [{ item }]);
  assert.match(ui.messages.at(-1)?.text ?? '', /forbidden \(403\).*reviewing needs a reviewer token of this tenant/);
  assert.deepEqual(ui.offered.at(-1), ['Sign In as Reviewer…', 'Open Log']);
});

test('the Review Queue approves a pending version with a comment; the author is told once, on the next sync', async (t) => {
  const s = await libraryServer(t);
  const a = await author(t, s);
  const answers: Answer[] = ['Weekend RDS shutdown', 'Looks right'];
  const r = await reviewer(t, s, answers);
  assert.equal(await approveFlow(r.ctx, r.host.review, undefined), true);
  const rec = await s.api.getRecord('weekend-rds-shutdown');
  assert.deepEqual([rec?.versions['1.0.1']?.review_status, rec?.versions['1.0.1']?.review?.comment], ['approved', 'Looks right']);
  assert.equal(r.record.queueRefreshes, 1);
  assert.deepEqual(await s.client({ token: REVIEWER_TOKEN }).reviewQueue(), []);

  await syncNowFlow(a.ctx);
  assert.deepEqual(a.ui.messages.filter((m) => /reviewer/.test(m.text)), [{ level: 'info', text: 'A reviewer approved "Weekend RDS shutdown" v1.0.1: your tenant can use it now.' }]);
  await syncNowFlow(a.ctx);
  assert.equal(a.ui.messages.filter((m) => /reviewer/.test(m.text)).length, 1, 'once per decision');
});

test('Reject needs a comment; the author reads it after sync', async (t) => {
  const s = await libraryServer(t);
  const a = await author(t, s);
  assert.equal(commentProblem('  ', true), 'a rejection needs a comment that says what to change');
  assert.equal(commentProblem('', false), undefined);
  assert.equal(commentProblem('ok\u202e', false), 'control characters and bidirectional overrides are not allowed');
  const [item] = await s.client({ token: REVIEWER_TOKEN }).reviewQueue();
  assert.ok(item);
  const r = await reviewer(t, s, ['Filter on the Environment tag']);
  assert.equal(await rejectFlow(r.ctx, r.host.review, { item }), true);
  await syncNowFlow(a.ctx);
  assert.deepEqual(a.ui.messages.filter((m) => /reviewer/.test(m.text)).map((m) => m.text), ['A reviewer rejected "Weekend RDS shutdown" v1.0.1: Filter on the Environment tag']);
});

test('a reviewer deciding on their own upload is refused (403 SELF_REVIEW) and told so, without a Sign In button', async (t) => {
  const s = await libraryServer(t);
  const own = await commandEnv(t, { answers: [true, ''], serverUrl: s.url, tenantId: TEST_TENANT, token: REVIEWER_TOKEN });
  await own.svc.store.createPlaybook({ name: 'Mine', description: 'x' });
  assert.equal(await publishFlow(own.ctx, { playbookId: 'mine' }, 'uploaded_for_review'), 'published');
  const { host } = commandsHost(own.ctx, own.svc, { secrets: new MemorySecrets({ 'escher.reviewerToken': REVIEWER_TOKEN }) });
  const [item] = await s.client({ token: REVIEWER_TOKEN }).reviewQueue();
  await runCommand({ ui: own.ui, log: own.ctx.log, showLog: () => {} }, 'escher.approveVersion', 'Approve', (arg) => approveFlow(own.ctx, host.review, arg), [{ item }]);
  const shown = own.ui.messages.at(-1);
  assert.equal(shown?.level, 'error');
  assert.match(shown?.text ?? '', /forbidden \(403\).*another reviewer of your tenant decides on it/);
  assert.deepEqual(own.ui.offered.at(-1), ['Open Log']);
  assert.equal((await s.api.getRecord('mine'))?.versions['1.0.1']?.review_status, 'pending');
});

test('the server down: the decision fails with a network error and nothing is recorded', async (t) => {
  const s = await libraryServer(t);
  await author(t, s);
  const [item] = await s.client({ token: REVIEWER_TOKEN }).reviewQueue();
  const r = await reviewer(t, s, ['fine']);
  s.setFault('status500', { match: '/api/playbooks/weekend-rds-shutdown/versions/' });
  await assert.rejects(approveFlow(r.ctx, r.host.review, { item }), (e: Error & { code?: string }) => e.code === 'SERVER');
  assert.equal(r.record.queueRefreshes, 0);
  s.clearFaults();
  assert.equal((await s.api.getRecord('weekend-rds-shutdown'))?.versions['1.0.1']?.review_status, 'pending');
});

test('Compare with Last Approved diffs metadata and each changed script of the pending version against the approved one, verified', async (t) => {
  const s = await libraryServer(t);
  const a = await author(t, s);
  const rv = s.client({ token: REVIEWER_TOKEN });
  await rv.review('weekend-rds-shutdown', '1.0.1', 'approved');
  await a.svc.store.updatePlaybook('weekend-rds-shutdown', { description: 'now with a tag filter', scripts: [{ path: 'shell/stop.sh', content: 'echo stop --tag env=dev\n' }] });
  await a.svc.publisher.syncAllMetadata();
  const [item] = await rv.reviewQueue();
  assert.equal(item?.version, '1.0.2');
  const r = await reviewer(t, s);
  assert.equal(await compareWithLastApprovedFlow(r.ctx, r.host.review, { item }), 2);
  const [meta, script] = r.ui.diffs;
  assert.equal(meta?.title, 'weekend-rds-shutdown: metadata.json (v1.0.1 approved ↔ v1.0.2 pending)');
  assert.match(await fs.readFile(meta?.left ?? '', 'utf8'), /"description": "x"/);
  assert.match(await fs.readFile(meta?.right ?? '', 'utf8'), /"description": "now with a tag filter"/);
  assert.equal(script?.title, 'weekend-rds-shutdown: shell/stop.sh (v1.0.1 approved ↔ v1.0.2 pending)');
  assert.equal(await fs.readFile(script?.left ?? '', 'utf8'), 'echo stop\n');
  assert.equal(await fs.readFile(script?.right ?? '', 'utf8'), 'echo stop --tag env=dev\n');
});

test('Review Queue rows escape what the server sends', () => {
  const item = { playbook_id: 'x', version: '1.0.0', name: '**bold** [link](command:escher.signOut)\u001b[31m', content_hash: 'a'.repeat(64), published_at: '2026-11-29T10:00:00.000Z', published_by: 'key-0123456789abcdef' };
  const tip = reviewTooltip(item);
  assert.ok(!tip.includes('[link](command'), tip);
  assert.match(tip, /\\\*\\\*bold\\\*\\\* \\\[link\\\]\\\(command\\:escher\\\.signOut\\\)\\\\x1b\\\[31m/);
  assert.equal(reviewItem(item, Date.parse('2026-11-29T12:00:00Z')).contextValue, 'review.pending');
});
