import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkStoreFlow } from '../../../src/extension/commands/maintenance';
import { acceptAiFlow, deletePlaybookFlow, discardAiFlow, editMetadataFlow, newVersionCommand, newVersionFlow } from '../../../src/extension/commands/manage-playbook';
import { openMetadataFlow } from '../../../src/extension/commands/open-playbook';
import { publishFlow } from '../../../src/extension/commands/publish';
import { TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { commandEnv } from '../helpers/command-env';
import { libraryServer } from '../helpers/library-server';

test('Delete asks first: Cancel keeps the playbook, Delete removes every version', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: [false, true] });
  await svc.store.createPlaybook({ name: 'Patch fleet', description: 'x' });
  await svc.store.updatePlaybook('patch-fleet', { description: 'y' });
  assert.equal(await deletePlaybookFlow(ctx, { playbookId: 'patch-fleet' }), false);
  assert.equal((await svc.store.listPlaybooks()).length, 1);
  assert.equal(await deletePlaybookFlow(ctx, { playbookId: 'patch-fleet' }), true);
  assert.deepEqual(await svc.store.listPlaybooks(), []);
  assert.match(ui.confirms[0]?.message ?? '', /Delete "Patch fleet" \(patch-fleet\) and all 2 versions\?/);
  assert.match(ui.confirms[0]?.detail ?? '', /v1\.0\.0, v1\.0\.1/);
});

test('New Version bumps as chosen and can add the active editor\'s script; Edit Metadata writes a patch version', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['minor', 'Add', 'Patch fleet', 'Patch every EC2 instance', 'ec2, patch', 'aws', 'ec2', 'Continue'] });
  await svc.store.createPlaybook({ name: 'Patch fleet', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo 1' }] });
  ui.editor = { path: '/tmp/patch.py', languageId: 'python', text: 'print(1)\n' };
  const v2 = await newVersionFlow(ctx, { playbookId: 'patch-fleet' });
  assert.equal(v2?.metadata.version, '1.1.0');
  assert.deepEqual(v2?.metadata.scripts.map((s) => s.path).sort(), ['python/patch.py', 'shell/run.sh']);
  const v3 = await editMetadataFlow(ctx, { playbookId: 'patch-fleet' });
  assert.equal(v3?.metadata.version, '1.1.1');
  assert.equal(v3?.metadata.description, 'Patch every EC2 instance');
  assert.deepEqual(v3?.metadata.keywords, ['ec2', 'patch']);
  assert.deepEqual(v3?.metadata.resource_types, ['ec2']);
  assert.equal((await svc.store.getPlaybook('patch-fleet', '1.0.0')).metadata.description, 'x', 'older versions are never rewritten');
});

test('Edit Metadata with nothing changed writes no version', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Same', 'd', '', 'other', '', 'Continue'] });
  await svc.store.createPlaybook({ name: 'Same', description: 'd' });
  assert.equal(await editMetadataFlow(ctx, { playbookId: 'same' }), undefined);
  assert.deepEqual((await svc.store.listPlaybooks())[0]?.versions, ['1.0.0']);
  assert.match(ui.messages[0]?.text ?? '', /Nothing changed/);
});

test('New Version with the same scripts writes nothing and says how to make a change (the store decides, as for the CLI)', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['minor'] });
  await svc.store.createPlaybook({ name: 'Same', description: 'd', scripts: [{ path: 'shell/run.sh', content: 'echo 1' }] });
  assert.equal(await newVersionFlow(ctx, { playbookId: 'same' }), undefined);
  assert.deepEqual((await svc.store.listPlaybooks())[0]?.versions, ['1.0.0']);
  assert.match(ui.messages[0]?.text ?? '', /Nothing changed: Same stays at v1\.0\.0/);
});

test('AI-generated playbooks: Accept moves to Local; Discard asks, then deletes', async (t) => {
  const { svc, ctx } = await commandEnv(t, { answers: [true] });
  await svc.store.createPlaybook({ name: 'Cleanup logs', description: 'x', source: 'ai_generated' });
  await svc.store.createPlaybook({ name: 'Bad idea', description: 'x', source: 'ai_generated' });
  const accepted = await acceptAiFlow(ctx, { playbookId: 'cleanup-logs' });
  assert.equal(accepted?.area, 'local');
  assert.equal(await discardAiFlow(ctx, { playbookId: 'bad-idea' }), true);
  assert.deepEqual((await svc.store.listPlaybooks()).map((p) => [p.playbook_id, p.area]), [['cleanup-logs', 'local']]);
});

test('From the palette (no tree node), commands ask which playbook; Open metadata.json opens the latest version', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Rotate keys'] });
  await svc.store.createPlaybook({ name: 'Rotate keys', description: 'x' });
  await svc.store.updatePlaybook('rotate-keys', { description: 'y' });
  const file = await openMetadataFlow(ctx, undefined);
  assert.match(file ?? '', /local[\\/]rotate-keys[\\/]v1\.0\.1[\\/]metadata\.json$/);
  assert.deepEqual(ui.opened, [file]);
});

test('Keep Private never talks to a server and records local_only as a new version when needed', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Keep Private'], serverUrl: 'http://127.0.0.1:9', tenantId: 'acme', token: 'x' });
  await svc.store.createPlaybook({ name: 'Shared later', description: 'x', storage_strategy: 'uploaded_for_review' });
  assert.equal(await publishFlow(ctx, { playbookId: 'shared-later' }), 'kept-private');
  const pb = await svc.store.getPlaybook('shared-later');
  assert.deepEqual([pb.area, pb.metadata.version, pb.metadata.storage_strategy], ['local', '1.0.1', 'local_only']);
  assert.match(ui.messages[0]?.text ?? '', /private from v1\.0\.1 on/);
});

test('Delete of a playbook shared with the tenant names the tenant and offers both choices; each does what it says', async (t) => {
  const s = await libraryServer(t);
  const { svc, ui, ctx } = await commandEnv(t, {
    answers: ['Delete for everyone in tenant "acme"', false, 'Remove from this machine only', true, 'Delete for everyone in tenant "acme"', true],
    serverUrl: s.url,
    tenantId: TEST_TENANT,
    token: TEST_TOKEN,
  });
  for (const name of ['Shared one', 'Shared two']) {
    await svc.store.createPlaybook({ name, description: 'x' });
    await svc.publisher.publishMetadata(name.toLowerCase().replace(' ', '-'), { strategy: 'uploaded_trusted' });
  }
  // Cancelled at the dialog: nothing happens.
  assert.equal(await deletePlaybookFlow(ctx, { playbookId: 'shared-one' }), false);
  assert.match(ui.confirms[0]?.message ?? '', /^Delete "Shared one" \(shared-one\) for everyone in tenant "acme"\?$/);
  assert.match(ui.confirms[0]?.detail ?? '', /removed from tenant "acme" for everyone at the next sync/);
  // This machine only: gone here, kept on the server, and the next sync sends no delete.
  assert.equal(await deletePlaybookFlow(ctx, { playbookId: 'shared-one' }), true);
  assert.match(ui.confirms[1]?.message ?? '', /^Remove "Shared one" \(shared-one\) from this machine\?$/);
  assert.match(ui.confirms[1]?.detail ?? '', /Tenant "acme" keeps it/);
  assert.equal(await deletePlaybookFlow(ctx, { playbookId: 'shared-two' }), true);
  await svc.publisher.syncAllMetadata();
  assert.deepEqual((await svc.store.listPlaybooks()).map((p) => p.playbook_id), []);
  assert.equal((await s.api.getRecord('shared-one'))?.deleted, false, 'kept for the tenant');
  assert.equal((await s.api.getRecord('shared-two'))?.deleted, true, 'deleted for the tenant');
});

test('New Version with a script whose placeholders are new asks for their declarations; the store holds the contract', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['patch', 'Add', 'Continue', 'patch', 'Add', undefined] });
  await svc.store.createPlaybook({ name: 'Patch fleet', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo {{fleet}}' }], parameters: [{ name: 'fleet', type: 'string' }], enforceContract: true });
  ui.editor = { path: '/tmp/patch.py', languageId: 'python', text: 'print({{fleet}}, {{batch | 10}})\n' };
  const v2 = await newVersionFlow(ctx, { playbookId: 'patch-fleet' });
  assert.deepEqual(v2?.metadata.parameters, [{ name: 'fleet', type: 'string' }, { name: 'batch', type: 'integer' }]);
  assert.deepEqual(ui.picks.at(-1)?.labels.slice(0, 3), ['$(check) Continue with 2 parameters', '{{fleet}}', '{{batch}}']);
  ui.editor = { path: '/tmp/patch.py', languageId: 'python', text: 'print({{other}})\n' };
  assert.equal(await newVersionFlow(ctx, { playbookId: 'patch-fleet' }), undefined, 'Escape in the parameters step writes nothing');
  assert.equal((await svc.store.listPlaybooks())[0]?.version, '1.0.1');
});

test('Edit Metadata on a playbook stored before the contract prefills the undeclared placeholder, and the new version holds', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Old', 'd', '', 'other', '', '{{target}}', 'Description', 'The host', 'Continue'] });
  // Written without the contract (as sync mirrors the server): {{target}} is undeclared.
  await svc.store.createPlaybook({ name: 'Old', description: 'd', scripts: [{ path: 'shell/run.sh', content: 'ssh {{target}} uptime\n' }] });
  const v2 = await editMetadataFlow(ctx, { playbookId: 'old' });
  assert.deepEqual(v2?.metadata.parameters, [{ name: 'target', type: 'string', required: true, description: 'The host' }]);
  assert.ok(ui.exhausted);
});

test('New Version (the command) says what it made, selects the row, and opens the new metadata.json on request', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['minor', 'Add'] });
  await svc.store.createPlaybook({ name: 'Patch fleet', description: 'x', scripts: [{ path: 'shell/patch.sh', content: 'echo\n' }] });
  // A version with nothing changed is not written: this one adds the editor's script.
  ui.editor = { path: '/tmp/check.py', languageId: 'python', text: 'print(1)\n' };
  const revealed: string[] = [];
  ctx.tree = { reveal: async (id) => (revealed.push(id), true) };
  ui.messageChoices = ['Open metadata.json'];
  const opened = ui.nextOpened();
  const pb = await newVersionCommand(ctx, { playbookId: 'patch-fleet' });
  assert.equal(pb?.metadata.version, '1.1.0');
  assert.deepEqual(ui.messages, [{ level: 'info', text: 'Created v1.1.0 of "Patch fleet" (2 scripts).' }]);
  assert.deepEqual(revealed, ['patch-fleet']);
  assert.equal(await opened, path.join(pb?.dir ?? '', 'metadata.json'));
});

test('Check Playbook Store: a clean store is said in the status bar; a damaged one is reported read-only and repaired only on yes', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: [true] });
  await svc.store.createPlaybook({ name: 'Patch fleet', description: 'x' });
  assert.equal(await checkStoreFlow(ctx), 0);
  assert.match(ui.statusMessages[0] ?? '', /the store is fine \(1 versions checked\)/);
  // An interrupted write left a temp folder of a writer that is gone.
  await fs.mkdir(path.join(svc.config.playbooksDir, 'local', '.tmp-x-999999-deadbeef'), { recursive: true });
  assert.equal(await checkStoreFlow(ctx), 0);
  assert.match(ui.shown[0]?.content ?? '', /\*\*temp\*\* `.*\.tmp-x-999999-deadbeef`/);
  assert.equal(ui.shown[0]?.name, 'Escher Store Check.md');
  assert.deepEqual(ui.messages.at(-1), { level: 'info', text: 'Repaired: the store is fine now.' });
});
