import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PUBLISH_CHOICES, publishCommand, publishFlow } from '../../../src/extension/commands/publish';
import { resolveScriptCommand, resolveScriptFlow } from '../../../src/extension/commands/resolve-script';
import { showSyncStatusFlow, syncNowFlow } from '../../../src/extension/commands/sync';
import { LIBRARY_PLAYBOOK } from '../../e2e/harness/fixtures';
import { TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { commandEnv } from '../helpers/command-env';
import { libraryServer as server } from '../helpers/library-server';

test('Upload for Review says what goes where, then publishes to the server and moves the playbook to Synced; the status shows it', async (t) => {
  const s = await server(t);
  const { svc, ui, ctx } = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops RDS on Friday', scripts: [{ path: 'shell/stop.sh', content: 'echo stop\n' }] });
  assert.equal(await publishFlow(ctx, { playbookId: 'weekend-rds-shutdown' }, 'uploaded_for_review'), 'published');
  assert.deepEqual(ui.confirms, [
    {
      message: `Upload for Review: "Weekend RDS shutdown" v1.0.0 to tenant "${TEST_TENANT}" at ${s.url}?`,
      detail: '1 script and the metadata go to your tenant. A reviewer approves it before others run it. The playbook moves from Local to Synced.',
      button: 'Upload for Review',
    },
  ]);
  const pb = await svc.store.getPlaybook('weekend-rds-shutdown');
  assert.deepEqual([pb.area, pb.metadata.version, pb.metadata.storage_strategy], ['synced', '1.0.1', 'uploaded_for_review']);
  assert.match(ui.messages.at(-1)?.text ?? '', /Published "Weekend RDS shutdown" v1\.0\.1 for review: it is now in Synced\. It is waiting for review\./);
  const record = await s.api.getRecord('weekend-rds-shutdown');
  assert.equal(record?.versions['1.0.1']?.review_status, 'pending');

  const report = await syncNowFlow(ctx);
  assert.equal(report.failed.length, 0);
  const text = await showSyncStatusFlow(ctx);
  assert.match(text, /Synced playbooks tracked: 1/);
  assert.match(text, /## Conflicts \(0\)/);
});

test('the publish choice offers exactly Keep Private / Upload for Review / Upload Trusted; trusted is approved at once', async (t) => {
  const s = await server(t);
  assert.deepEqual(PUBLISH_CHOICES.map((c) => c.label), ['Keep Private', 'Upload for Review', 'Upload Trusted']);
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Upload Trusted'], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ name: 'Rotate keys', description: 'x' });
  assert.equal(await publishFlow(ctx, { playbookId: 'rotate-keys' }), 'published');
  assert.match(ui.messages.at(-1)?.text ?? '', /approved for your tenant/);
  assert.equal((await s.api.getRecord('rotate-keys'))?.versions['1.0.1']?.review_status, 'approved');
});

test('a code lens upload declined at its confirmation sends nothing and moves nothing', async (t) => {
  const s = await server(t);
  const { svc, ctx } = await commandEnv(t, { answers: [false], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ name: 'Rotate keys', description: 'x' });
  s.server.resetRequests();
  assert.equal(await publishFlow(ctx, { playbookId: 'rotate-keys', version: '1.0.0', area: 'local' }, 'uploaded_trusted'), 'cancelled');
  assert.deepEqual(s.server.requests(), []);
  assert.equal((await svc.store.getPlaybook('rotate-keys')).area, 'local');
});

test('publishing with a wrong token fails with the typed AUTH error (the UI offers Sign In) and moves nothing', async (t) => {
  const s = await server(t);
  const { svc, ctx } = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: 'not-the-token' });
  await svc.store.createPlaybook({ name: 'Rotate keys', description: 'x' });
  await assert.rejects(publishFlow(ctx, { playbookId: 'rotate-keys' }, 'uploaded_for_review'), (e: Error & { code?: string }) => e.code === 'AUTH');
  assert.equal((await svc.store.getPlaybook('rotate-keys')).area, 'local');
});

test('Resolve Script fetches a library playbook the user does not have, verified, into the cache', async (t) => {
  const s = await server(t);
  const { ui, ctx, home } = await commandEnv(t, { answers: ['Enter a playbook id', LIBRARY_PLAYBOOK.id], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const out = await resolveScriptFlow(ctx, undefined);
  assert.ok(out);
  assert.equal(out.resolved.source, 'download');
  assert.ok(out.file.startsWith(path.join(home, 'cache')));
  assert.equal(await fs.readFile(out.file, 'utf8'), LIBRARY_PLAYBOOK.body);
  assert.ok(ui.exhausted, 'one format: no format question');
});

test('Resolve Script refuses a malformed id in the input box', async (t) => {
  const { ui, ctx } = await commandEnv(t, { answers: ['Enter a playbook id', '../etc/passwd'] });
  await assert.rejects(resolveScriptFlow(ctx, undefined), /lower-case letters/);
  assert.deepEqual(ui.validation, ['ids are lower-case letters, digits and single hyphens']);
});

test('Upload for Review from the palette takes the metadata.json in the editor, and shows the synced one in its place', async (t) => {
  const s = await server(t);
  const { svc, ui, ctx } = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const local = await svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops RDS on Friday' });
  await svc.store.createPlaybook({ name: 'Rotate keys', description: 'x' });
  ui.editor = { path: path.join(local.dir, 'metadata.json'), languageId: 'json', text: '{}', dirty: false };
  assert.equal(await publishCommand(ctx, undefined, 'uploaded_for_review'), 'published');
  assert.ok(ui.exhausted, 'no playbook pick: the editor said which');
  const synced = await svc.store.getPlaybook('weekend-rds-shutdown');
  assert.equal(synced.area, 'synced');
  assert.equal((await svc.store.getPlaybook('rotate-keys')).area, 'local', 'only the one in the editor moved');
  assert.deepEqual(ui.commands, [{ command: 'workbench.action.closeActiveEditor', args: [] }]);
  assert.deepEqual(ui.opened, [path.join(synced.dir, 'metadata.json')]);
});

test('an editor with unsaved edits is not closed after publishing (closing would prompt); the synced file opens beside it', async (t) => {
  const s = await server(t);
  const { svc, ui, ctx } = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const local = await svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops RDS on Friday' });
  ui.editor = { path: path.join(local.dir, 'metadata.json'), languageId: 'json', text: '{"edited": true}', dirty: true };
  assert.equal(await publishCommand(ctx, { playbookId: 'weekend-rds-shutdown' }, 'uploaded_trusted'), 'published');
  assert.deepEqual(ui.commands, []);
  assert.deepEqual(ui.opened, [path.join((await svc.store.getPlaybook('weekend-rds-shutdown')).dir, 'metadata.json')]);
});

test('publishing another playbook than the one in the editor leaves the editor alone', async (t) => {
  const s = await server(t);
  const { svc, ui, ctx } = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const open = await svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops RDS on Friday' });
  await svc.store.createPlaybook({ name: 'Rotate keys', description: 'x' });
  ui.editor = { path: path.join(open.dir, 'metadata.json'), languageId: 'json', text: '{}', dirty: false };
  assert.equal(await publishCommand(ctx, { playbookId: 'rotate-keys' }, 'uploaded_for_review'), 'published');
  assert.deepEqual([ui.commands, ui.opened], [[], []]);
  assert.equal((await svc.store.getPlaybook('weekend-rds-shutdown')).area, 'local');
});

test('Resolve Script (the command) opens the resolved file pinned', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t);
  const pb = await svc.store.createPlaybook({ name: 'Ops backup', description: 'x', scripts: [{ path: 'shell/backup.sh', content: 'echo 1\n' }] });
  assert.equal(await resolveScriptCommand(ctx, { playbookId: 'ops-backup' }), path.join(pb.dir, 'shell', 'backup.sh'));
  assert.deepEqual(ui.opened, [path.join(pb.dir, 'shell', 'backup.sh')]);
});
