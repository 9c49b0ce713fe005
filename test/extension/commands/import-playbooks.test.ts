import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { importPlaybooksCommand } from '../../../src/extension/commands/import-playbooks';
import { commandEnv } from '../helpers/command-env';
import { tempDir } from '../../helpers/temp-dir';

const spec = (name: string, description = 'd') => ({ name, description, cloud_provider: 'aws', scripts: { 'shell/run.sh': 'echo hi\n' } });

test('Import Playbooks…: the file chosen in the dialog is imported whole, and the outcome is one notification', async (t) => {
  const dir = await tempDir(t, 'escher-import-ui-');
  const file = path.join(dir, 'team-runbooks.yaml');
  await fs.writeFile(file, `- name: Restart web tier\n  description: Restarts the web servers\n  cloud_provider: aws\n  scripts:\n    shell/run.sh: "echo restart\\n"\n- name: Rotate keys\n  description: Rotates IAM keys\n  cloud_provider: aws\n  scripts:\n    shell/run.sh: "echo rotate\\n"\n`);
  const { svc, ui, ctx } = await commandEnv(t, { answers: [file] });
  const summary = await importPlaybooksCommand(ctx);
  assert.equal(summary?.imported, 2);
  assert.deepEqual((await svc.store.listPlaybooks()).map((p) => p.playbook_id).sort(), ['restart-web-tier', 'rotate-keys']);
  assert.deepEqual(ui.messages, [{ level: 'info', text: 'Imported 2 of 2 playbooks.' }]);
  assert.deepEqual(ui.progress, ['Importing playbooks from team-runbooks.yaml']);
});

test('Import Playbooks…: cancelling the dialog imports nothing and says nothing', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: [undefined] });
  assert.equal(await importPlaybooksCommand(ctx), undefined);
  assert.deepEqual(await svc.store.listPlaybooks(), []);
  assert.deepEqual(ui.messages, []);
});

test('Import Playbooks…: a re-import skips what is there; changed content comes in as new versions on one click; a bad spec is listed in the details and stops nothing', async (t) => {
  const dir = await tempDir(t, 'escher-import-ui-');
  const file = path.join(dir, 'specs.json');
  await fs.writeFile(file, JSON.stringify([spec('Restart web tier'), spec('Rotate keys')]));
  const { svc, ui, ctx } = await commandEnv(t, { answers: [file, file, file] });
  await importPlaybooksCommand(ctx);

  // The file changes: one playbook's description, plus a bad spec whose name holds a terminal escape.
  await fs.writeFile(file, JSON.stringify([spec('Restart web tier', 'Restarts the web servers, now with a drain'), spec('Rotate keys'), { ...spec('Evil \u001b]52;c;aGk=\u0007 name'), cloud_provider: 'mars' }]));
  ui.messageChoices = ['Import Changed as New Versions', 'Show Details'];
  const summary = await importPlaybooksCommand(ctx);
  const [first, second] = ui.messages.slice(1);
  assert.equal(first?.level, 'warn');
  assert.equal(first?.text, 'Imported 0 of 3 playbooks, 2 skipped (already there, 1 with other content), 1 failed.');
  assert.equal(second?.text, 'Imported 1 of 3 playbooks, 1 skipped (already there), 1 failed.');
  assert.equal(summary?.imported, 1);
  const restart = await svc.store.getPlaybook('restart-web-tier');
  assert.equal(restart.metadata.version, '1.0.1', 'the changed one became the next version');
  assert.equal(restart.metadata.description, 'Restarts the web servers, now with a drain');
  assert.equal((await svc.store.getPlaybook('rotate-keys')).metadata.version, '1.0.0', 'the identical one was left alone');
  assert.equal((await svc.store.getPlaybook('restart-web-tier', '1.0.0')).metadata.description, 'd', 'the old version is kept');

  const details = ui.shown.at(-1);
  assert.ok(details, 'Show Details opened a read-only document');
  assert.match(details.content, /failed {3}#2 Evil \\x1b\]52;c;aGk=\\x07 name: "cloud_provider" must be one of/, 'the escape is shown, not sent to the editor');
  assert.match(details.content, /new-version #0 Restart web tier: restart-web-tier v1\.0\.1/);
  assert.ok(![...details.content].some((ch) => ch !== '\n' && (ch < ' ' || ch === '\u007f')), 'no raw control characters from the file');

  // A file that is neither JSON nor YAML: a clear error, nothing written.
  await fs.writeFile(file, '{ "not": json');
  await assert.rejects(importPlaybooksCommand(ctx), /specs\.json is not valid JSON/);
  assert.equal((await svc.store.listPlaybooks()).length, 2);
});
