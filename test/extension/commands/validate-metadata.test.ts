import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { validateMetadataCommand } from '../../../src/extension/commands/validate-metadata';
import { commandEnv } from '../helpers/command-env';

test('Validate from the code lens checks the editor\'s unsaved text, not the file on disk', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t);
  const pb = await svc.store.createPlaybook({ name: 'Ops backup', description: 'x', scripts: [{ path: 'shell/backup.sh', content: 'echo 1\n' }] });
  const file = path.join(pb.dir, 'metadata.json');
  const onDisk = await fs.readFile(file, 'utf8');
  ui.documents.set(file, onDisk.replace('"schema_version": 1', '"schema_version": 2'));
  ui.messageChoices = ['Open Log'];
  const result = await validateMetadataCommand(ctx, { playbookId: 'ops-backup', version: '1.0.0' });
  assert.equal(result?.file, file);
  assert.ok((result?.issues.length ?? 0) > 0);
  assert.match(ui.messages[0]?.text ?? '', /^metadata\.json has \d+ problems?: .*schema_version/);
  assert.deepEqual(ui.commands, [{ command: 'escher.showLog', args: [] }]);
  assert.equal(await fs.readFile(file, 'utf8'), onDisk, 'validating writes nothing');
});

test('Validate from the palette takes the active metadata.json; a tampered script is named with its problem', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t);
  const pb = await svc.store.createPlaybook({ name: 'Ops backup', description: 'x', scripts: [{ path: 'shell/backup.sh', content: 'echo 1\n' }] });
  const file = path.join(pb.dir, 'metadata.json');
  ui.editor = { path: file, languageId: 'json', text: await fs.readFile(file, 'utf8'), dirty: false };
  assert.deepEqual((await validateMetadataCommand(ctx, undefined))?.issues, []);
  assert.match(ui.messages[0]?.text ?? '', /metadata\.json is valid/);
  await fs.writeFile(path.join(pb.dir, 'shell', 'backup.sh'), 'echo tampered\n');
  const issues = (await validateMetadataCommand(ctx, undefined))?.issues ?? [];
  assert.equal(issues.length, 1);
  assert.match(issues[0] ?? '', /^shell\/backup\.sh: /);
});

test('Validate with no metadata.json open says what to open, and checks nothing', async (t) => {
  const { ui, ctx } = await commandEnv(t);
  assert.equal(await validateMetadataCommand(ctx, undefined), undefined);
  ui.editor = { path: '/tmp/notes.md', languageId: 'markdown', text: '# x' };
  assert.equal(await validateMetadataCommand(ctx, undefined), undefined);
  assert.deepEqual(ui.messages.map((m) => [m.level, m.text]), [
    ['warn', 'Open a playbook\'s metadata.json to validate it.'],
    ['warn', 'Open a playbook\'s metadata.json to validate it.'],
  ]);
});

test('Validate runs the placeholder contract: an undeclared placeholder is a problem naming it and its place; an unused parameter a warning', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t);
  // Stored without the contract (as sync mirrors the server).
  const pb = await svc.store.createPlaybook({ name: 'Ops backup', description: 'x', scripts: [{ path: 'shell/backup.sh', content: 'echo 1\ntar czf {{archive}} .\n' }], parameters: [{ name: 'spare', type: 'string' }] });
  const result = await validateMetadataCommand(ctx, { playbookId: 'ops-backup', version: '1.0.0' });
  assert.equal(result?.issues.length, 1);
  assert.match(result?.issues[0] ?? '', /^shell\/backup\.sh:2:9 uses \{\{archive\}\}, which is not a declared parameter \(declare it:/);
  assert.match(ui.messages[0]?.text ?? '', /^metadata\.json has 1 problem: shell\/backup\.sh:2:9 uses \{\{archive\}\}/);
  const fixed = await svc.store.updatePlaybook('ops-backup', { parameters: [{ name: 'archive', type: 'string' }, { name: 'spare', type: 'string' }] });
  const ok = await validateMetadataCommand(ctx, { playbookId: 'ops-backup', version: fixed.metadata.version });
  assert.deepEqual(ok?.issues, []);
  assert.equal(ok?.warnings.length, 1);
  assert.match(ui.messages[1]?.text ?? '', /is valid: .* 1 warning: parameter "spare" is declared but no script uses it/);
  assert.equal(pb.metadata.version, '1.0.0');
});
