import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { deleteSelectedFlow, openSelectedFlow } from '../../../src/extension/commands/tree-keys';
import { PlaybookTreeModel } from '../../../src/extension/tree/playbook-tree-model';
import { findPlaybookRow, playbooksSection } from '../../../src/extension/tree/sections';
import type { SelectedRow, TreeNode } from '../../../src/extension/tree/tree-node';
import { commandEnv } from '../helpers/command-env';

/** A real store, its explorer (grouped by cloud) and a helper that selects a row as VS Code would. */
async function explorer(t: Parameters<typeof commandEnv>[0], answers: Array<string | boolean | undefined> = []) {
  const env = await commandEnv(t, { answers });
  const model = new PlaybookTreeModel({ listPlaybooks: () => env.svc.store.listPlaybooks(), getPlaybook: (id, v) => env.svc.store.getPlaybook(id, v), onDidChange: (l) => env.svc.store.onDidChange(l) });
  t.after(async () => model.dispose());
  const select = async (node: TreeNode): Promise<SelectedRow> => ({ node, item: await node.getTreeItem() });
  return { ...env, model, section: playbooksSection(model), select };
}

test('Enter on a playbook row opens its latest metadata.json; on a version that version; on a file the file', async (t) => {
  const e = await explorer(t);
  await e.svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'x', resource_types: ['rds'], scripts: [{ path: 'shell/stop.sh', content: 'echo\n' }] });
  const latest = await e.svc.store.updatePlaybook('weekend-rds-shutdown', { description: 'y' });
  const row = await findPlaybookRow([e.section], 'weekend-rds-shutdown');
  assert.ok(row);
  await openSelectedFlow(e.ctx, await e.select(row));
  assert.deepEqual(e.ui.opened, [path.join(latest.dir, 'metadata.json')]);
  const [, older] = await row.getChildren();
  await openSelectedFlow(e.ctx, await e.select(older!));
  assert.equal(e.ui.opened[1], path.join(path.dirname(latest.dir), 'v1.0.0', 'metadata.json'));
  const [, script] = await older!.getChildren();
  await openSelectedFlow(e.ctx, await e.select(script!));
  assert.deepEqual(e.ui.commands, [{ command: 'escher.openFile', args: [path.join(path.dirname(latest.dir), 'v1.0.0', 'shell', 'stop.sh')] }]);
});

test('Enter on a group opens or closes it, as in any tree; with nothing selected nothing happens', async (t) => {
  const e = await explorer(t);
  await e.svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'x', resource_types: ['rds'] });
  const row = await findPlaybookRow([e.section], 'weekend-rds-shutdown');
  await openSelectedFlow(e.ctx, await e.select(row!.parent!));
  await openSelectedFlow(e.ctx, undefined);
  assert.deepEqual(e.ui.commands, [{ command: 'list.toggleExpand', args: [] }]);
  assert.deepEqual(e.ui.opened, []);
});

test('Delete on a playbook row asks first and deletes only on yes; on a version, that version; on a group, nothing', async (t) => {
  const e = await explorer(t, [false, true, true]);
  await e.svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'x', resource_types: ['rds'] });
  await e.svc.store.updatePlaybook('weekend-rds-shutdown', { description: 'y' });
  const row = await findPlaybookRow([e.section], 'weekend-rds-shutdown');
  assert.equal(await deleteSelectedFlow(e.ctx, await e.select(row!)), false, 'declined');
  assert.equal((await e.svc.store.listPlaybooks()).length, 1);
  const [newest] = await row!.getChildren();
  assert.equal(await deleteSelectedFlow(e.ctx, await e.select(newest!)), true);
  assert.deepEqual((await e.svc.store.listPlaybooks())[0]?.versions, ['1.0.0']);
  assert.equal(await deleteSelectedFlow(e.ctx, await e.select(row!.parent!)), false);
  assert.deepEqual(e.ui.statusMessages, ['Escher: select a playbook or a version to delete it.']);
  const again = await findPlaybookRow([e.section], 'weekend-rds-shutdown');
  assert.equal(await deleteSelectedFlow(e.ctx, await e.select(again!)), true);
  assert.deepEqual(await e.svc.store.listPlaybooks(), []);
  assert.match(e.ui.confirms[0]?.message ?? '', /Delete "Weekend RDS shutdown" \(weekend-rds-shutdown\) and all 2 versions\?/);
  assert.ok(e.ui.exhausted);
});
