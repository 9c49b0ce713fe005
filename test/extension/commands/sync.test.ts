import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyReport, type SyncReport } from '../../../src/core/metadata-publisher/sync-report';
import { onBackgroundSyncEvent, syncNowCommand } from '../../../src/extension/commands/sync';
import { ADMIN_TOKEN, TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { commandEnv } from '../helpers/command-env';
import { commandsHost } from '../helpers/commands-host';
import { libraryServer } from '../helpers/library-server';

test('Sync Now spins the status bar while it runs, then refreshes the explorer and the status', async (t) => {
  const s = await libraryServer(t);
  const { svc, ui, ctx } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const { host, record } = commandsHost(ctx, svc);
  const report = await syncNowCommand(ctx, host.syncDisplay);
  assert.deepEqual([report.failed, report.conflicts], [[], []]);
  assert.deepEqual(record.syncing, [true, false]);
  assert.deepEqual([record.explorerRefreshes, record.statusUpdates], [1, 1]);
  // Routine success is said in the status bar, never as a notification with request counts.
  assert.deepEqual(ui.messages, []);
  assert.deepEqual(ui.statusMessages, ['$(check) Escher: synced: nothing changed']);
});

test('a failing Sync Now still stops the spinner and refreshes; the error reaches the command\'s error policy', async (t) => {
  const { svc, ctx } = await commandEnv(t); // no server configured
  const { host, record } = commandsHost(ctx, svc);
  await assert.rejects(syncNowCommand(ctx, host.syncDisplay), (e: Error & { code?: string }) => e.code === 'CONFIG');
  assert.deepEqual(record.syncing, [true, false]);
  assert.deepEqual([record.explorerRefreshes, record.statusUpdates], [1, 1]);
});

const report = (over: Partial<SyncReport>): SyncReport => ({ ...emptyReport(), ...over });

test('background sync: review decisions are told (three at most), a conflict offers Resolve Conflict…, the explorer re-lists', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t);
  const { host, record } = commandsHost(ctx, svc);
  ui.messageChoices = ['Resolve Conflict…'];
  const reviewChanges = ['a', 'b', 'c', 'd'].map((id) => ({ playbook_id: id, version: '1.0.1', status: 'approved' }));
  const conflicts = [{ playbook_id: 'rds-stop', kind: 'diverged' as const, message: 'changed here and on the server', detected_at: '2026-11-29T10:00:00Z', copy_id: 'rds-stop-conflict-1' }];
  await onBackgroundSyncEvent(ctx, { type: 'synced', result: report({ reviewChanges, conflicts }) }, host.syncDisplay);
  assert.deepEqual(ui.messages, [
    { level: 'warn', text: 'Sync conflict on rds-stop: changed here and on the server' },
    // Playbooks this store does not have are named by their id.
    { level: 'info', text: 'A reviewer approved "a" v1.0.1: your tenant can use it now.' },
    { level: 'info', text: 'A reviewer approved "b" v1.0.1: your tenant can use it now.' },
    { level: 'info', text: 'A reviewer approved "c" v1.0.1: your tenant can use it now.' },
    { level: 'info', text: '1 more review decision: the Escher Playbooks view shows each state.' },
  ]);
  assert.deepEqual(ui.commands, [{ command: 'escher.resolveConflict', args: [{ playbookId: 'rds-stop' }] }]);
  assert.deepEqual([record.explorerRefreshes, record.statusUpdates], [1, 1]);
});

test('background sync: a quiet sync changes nothing on screen but the status; a retried failure only goes to the log', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t);
  const { host, record } = commandsHost(ctx, svc);
  await onBackgroundSyncEvent(ctx, { type: 'synced', result: report({}) }, host.syncDisplay);
  await onBackgroundSyncEvent(ctx, { type: 'failed', error: new Error('ECONNREFUSED'), retryInMs: 5000 }, host.syncDisplay);
  assert.deepEqual(ui.messages, []);
  assert.deepEqual([record.explorerRefreshes, record.statusUpdates], [0, 2]);
});

test('background sync stopped by a rejected token says so and offers Sign In', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t);
  const { host, record } = commandsHost(ctx, svc);
  ui.messageChoices = ['Sign In…'];
  await onBackgroundSyncEvent(ctx, { type: 'stopped', reason: 'auth' }, host.syncDisplay);
  assert.deepEqual(ui.messages, [{ level: 'error', text: 'Escher rejected the token, so background sync stopped. Sign in again to resume it.' }]);
  assert.equal(record.tokenRejected, 1, 'the status bar and the palette offer Sign In again');
  assert.deepEqual(ui.commands, [{ command: 'escher.signIn', args: [] }]);
  await onBackgroundSyncEvent(ctx, { type: 'stopped', reason: 'requested' }, host.syncDisplay);
  assert.equal(ui.messages.length, 1, 'a requested stop (sign-out, settings change) is not an error');
});

test('a rejection made on the server arrives after Sync Now as a warning with the reviewer\'s comment, as plain text, with Open', async (t) => {
  const s = await libraryServer(t);
  const { svc, ui, ctx } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops RDS on Friday', scripts: [{ path: 'shell/stop.sh', content: 'echo stop\n' }] });
  const published = await svc.publisher.publishMetadata('weekend-rds-shutdown', { strategy: 'uploaded_for_review' });
  // A reviewer rejects it on the server, with a comment that tries to be a clickable command link.
  const res = await fetch(`${s.url}/api/playbooks/weekend-rds-shutdown/versions/${published.version}/review`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-escher-tenant': TEST_TENANT, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'rejected', comment: 'Stops prod too. [Fix it](command:escher.runInTerminal)' }),
  });
  assert.equal(res.status, 200);
  ui.messageChoices = ['Open'];
  const { host } = commandsHost(ctx, svc);
  const report = await syncNowCommand(ctx, host.syncDisplay);
  assert.deepEqual(report.reviewChanges, [{ playbook_id: 'weekend-rds-shutdown', version: published.version, status: 'rejected' }]);
  assert.deepEqual(ui.messages, [{ level: 'warn', text: `A reviewer rejected "Weekend RDS shutdown" v${published.version}: Stops prod too. [Fix it] (command:escher.runInTerminal)` }]);
  assert.deepEqual(ui.offered, [['Open', 'Show Sync Status']]);
  assert.deepEqual(ui.statusMessages, [], 'a sync with news for the user is not reported as routine');
  // The button's command runs after the notification answered: promise callbacks only, drained before the next macrotask.
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ui.commands, [{ command: 'escher.openMetadata', args: [{ playbookId: 'weekend-rds-shutdown' }] }]);
});
