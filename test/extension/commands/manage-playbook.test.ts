import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptAiFlow, deletePlaybookFlow, discardAiFlow, editMetadataFlow, newVersionFlow } from '../../../src/extension/commands/manage-playbook';
import { openMetadataFlow } from '../../../src/extension/commands/open-playbook';
import { publishFlow } from '../../../src/extension/commands/publish';
import { commandEnv } from '../helpers/command-env';

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
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['minor', 'Add', 'Patch fleet', 'Patch every EC2 instance', 'ec2, patch', 'aws', 'ec2'] });
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
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Same', 'd', '', 'other', ''] });
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
