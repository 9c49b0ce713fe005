import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { createPlaybookCommand, createPlaybookFlow } from '../../../src/extension/commands/create-playbook';
import { runnerFor } from '../../../src/extension/run/runner-factory';
import { commandEnv } from '../helpers/command-env';

test('Create Playbook: the answers write v1.0.0 in Local as Keep Private, with template scripts that declare what they use', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Weekend RDS shutdown', 'Stops RDS instances on Friday evening', 'cost, weekend, cost', 'AWS', 'rds, ec2, rds', ['Shell', 'Python'], 'Continue'] });
  const pb = await createPlaybookFlow(ctx);
  assert.ok(pb);
  assert.ok(ui.exhausted);
  assert.equal(pb.area, 'local');
  const m = pb.metadata;
  assert.deepEqual([m.playbook_id, m.version, m.cloud_provider, m.storage_strategy], ['weekend-rds-shutdown', '1.0.0', 'aws', 'local_only']);
  assert.deepEqual(m.resource_types, ['rds', 'ec2'], 'duplicates dropped');
  assert.deepEqual(m.keywords, ['cost', 'weekend']);
  assert.deepEqual(m.parameters, [{ name: 'target', type: 'string', required: true, description: 'What the playbook acts on, e.g. an instance or resource id' }]);
  assert.deepEqual(ui.picks.at(-1)?.labels, ['$(check) Continue with 1 parameter', '{{target}}', '$(add) Add a parameter…']);
  assert.deepEqual(m.scripts.map((s) => s.path).sort(), ['python/run.py', 'shell/run.sh']);
  const sh = await fs.readFile(path.join(pb.dir, 'shell', 'run.sh'), 'utf8');
  assert.match(sh, /^#!\/usr\/bin\/env bash/);
  assert.match(sh, /\{\{target\}\}/, 'templates show the placeholder convention');
  assert.equal((await svc.store.listPlaybooks()).length, 1);
});

test('Create Playbook: Escape at any step writes nothing', async (t) => {
  for (const answers of [[undefined], ['Name', undefined], ['Name', 'Desc', undefined], ['Name', 'Desc', '', 'AWS', 'rds', undefined], ['Name', 'Desc', '', 'AWS', 'rds', ['Shell'], undefined]]) {
    const { svc, ctx } = await commandEnv(t, { answers });
    assert.equal(await createPlaybookFlow(ctx), undefined);
    assert.deepEqual(await svc.store.listPlaybooks(), []);
  }
});

test('Create Playbook: the active editor\'s script becomes the playbook\'s, its placeholders declared with guessed types', async (t) => {
  const { ui, ctx } = await commandEnv(t, { answers: ['Rotate keys', 'Rotate IAM keys', '', 'AWS', '', ['Python'], 'Use rotate keys.py', 'Continue'] });
  ui.editor = { path: '/home/u/work/rotate keys.py', languageId: 'python', text: 'print("rotating {{user}}", {{days | 90}}, {{dry | true}})\n' };
  const pb = await createPlaybookFlow(ctx);
  assert.ok(pb);
  assert.deepEqual(pb.metadata.scripts.map((s) => s.path), ['python/rotate-keys.py']);
  assert.equal(await fs.readFile(path.join(pb.dir, 'python', 'rotate-keys.py'), 'utf8'), 'print("rotating {{user}}", {{days | 90}}, {{dry | true}})\n');
  assert.deepEqual(pb.metadata.parameters, [
    { name: 'user', type: 'string', required: true },
    { name: 'days', type: 'integer' },
    { name: 'dry', type: 'boolean' },
  ], 'the template\'s {{target}} is not declared: the editor\'s file replaced the template');
});

test('Create Playbook: an empty name is refused in the input box, before anything is written', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['   '] });
  await assert.rejects(createPlaybookFlow(ctx), /A name is required/);
  assert.deepEqual(ui.validation, ['A name is required']);
  assert.deepEqual(await svc.store.listPlaybooks(), []);
});

test('Create Playbook (the command) opens the new metadata.json and runs the upload the user picks', async (t) => {
  const { ui, ctx } = await commandEnv(t, { answers: ['Weekend RDS shutdown', 'Stops RDS instances on Friday evening', '', 'AWS', 'rds', ['Shell'], 'Continue'] });
  ui.messageChoices = ['Upload for Review'];
  const pb = await createPlaybookCommand(ctx);
  assert.ok(pb);
  assert.deepEqual(ui.opened, [path.join(pb.dir, 'metadata.json')]);
  assert.deepEqual(ui.messages, [{ level: 'info', text: 'Created "Weekend RDS shutdown" (weekend-rds-shutdown v1.0.0) in Local. It stays private until you publish it.' }]);
  assert.deepEqual(ui.offered, [['Keep Private', 'Upload for Review', 'Upload Trusted']]);
  assert.deepEqual(ui.commands, [{ command: 'escher.uploadForReview', args: [{ playbookId: 'weekend-rds-shutdown' }] }]);
});

test('Create Playbook (the command): Keep Private or a dismissed message uploads nothing; Escape opens nothing', async (t) => {
  for (const choice of ['Keep Private', undefined]) {
    const { ui, ctx } = await commandEnv(t, { answers: [`Name ${String(choice)}`, 'd', '', 'AWS', '', ['Shell'], 'Continue'] });
    ui.messageChoices = [choice];
    assert.ok(await createPlaybookCommand(ctx));
    assert.deepEqual(ui.commands, []);
  }
  const { ui, ctx } = await commandEnv(t, { answers: [undefined] });
  assert.equal(await createPlaybookCommand(ctx), undefined);
  assert.deepEqual([ui.opened, ui.messages], [[], []]);
});

test('every template, for every cloud, holds the placeholder contract and passes its own preflight', async (t) => {
  for (const cloud of ['AWS', 'Azure', 'Google Cloud'] as const) {
    const { svc, ctx } = await commandEnv(t, { answers: [`All ${cloud}`, 'd', '', cloud, '', ['Shell', 'Python', 'Terraform', 'CloudFormation', 'ARM template'], 'Continue'] });
    const pb = await createPlaybookFlow(ctx);
    assert.ok(pb);
    const report = await runnerFor(svc).check(pb.metadata.playbook_id);
    // Errors only: which warnings show depends on the linters installed (terraform fmt, cfn-lint).
    assert.deepEqual(report.findings.filter((f) => f.severity === 'error' || f.source === 'contract'), [], `${cloud}: ${JSON.stringify(report.findings)}`);
  }
});

test('Create Playbook (the command) opens the new metadata.json and selects its row in the explorer', async (t) => {
  const { ui, ctx } = await commandEnv(t, { answers: ['Weekend RDS shutdown', 'x', '', 'AWS', 'rds', ['Shell'], 'Continue'] });
  const revealed: string[] = [];
  ctx.tree = { reveal: async (id) => (revealed.push(id), true) };
  ui.messageChoices = ['Keep Private'];
  const pb = await createPlaybookCommand(ctx);
  assert.ok(pb);
  assert.deepEqual(ui.opened, [path.join(pb.dir, 'metadata.json')]);
  assert.deepEqual(revealed, ['weekend-rds-shutdown']);
});
