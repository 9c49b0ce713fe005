import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { AreaNode } from '../../../src/extension/tree/area-node';
import { FileNode } from '../../../src/extension/tree/file-node';
import { PlaybookNode } from '../../../src/extension/tree/playbook-node';
import { PlaybookTreeModel } from '../../../src/extension/tree/playbook-tree-model';
import { rootNodes } from '../../../src/extension/tree/root-nodes';
import type { PlaybookSyncState } from '../../../src/extension/tree/tree-source';
import type { TreeNode } from '../../../src/extension/tree/tree-node';
import { VersionNode } from '../../../src/extension/tree/version-node';
import { MemorySecrets, tempHome } from '../helpers/temp-home';

async function setup(t: Parameters<typeof tempHome>[0], sync = new Map<string, PlaybookSyncState>()) {
  const home = await tempHome(t);
  const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new MemorySecrets() });
  const model = new PlaybookTreeModel({
    listPlaybooks: () => store.listPlaybooks(),
    getPlaybook: (id, v) => store.getPlaybook(id, v),
    syncStates: async () => sync,
    onDidChange: (l) => store.onDidChange(l),
  });
  // One list per area: these tests are about rows, not groups (grouping.test.ts).
  model.setGroupBy('flat');
  t.after(async () => model.dispose());
  return { home, store, model };
}

async function labels(nodes: TreeNode[]): Promise<string[]> {
  return Promise.all(nodes.map(async (n) => (await n.getTreeItem()).label));
}

test('an empty store shows no rows, so the welcome view (Create Playbook) appears', async (t) => {
  const { model } = await setup(t);
  assert.deepEqual(await rootNodes(model), []);
  assert.equal(await model.total(), 0);
});

test('areas → playbooks → versions → files, with counts, natural name order and the latest version first', async (t) => {
  const { store, model } = await setup(t);
  await store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops RDS instances on Friday night', cloud_provider: 'aws', resource_types: ['rds'], scripts: [{ path: 'shell/stop.sh', content: 'aws rds stop-db-instance --db-instance-identifier {{db}}\n' }] });
  await store.createPlaybook({ name: 'apply security patches', description: 'Patch EC2 fleet', scripts: [{ path: 'python/patch.py', content: 'print("patch")\n' }] });
  await store.createPlaybook({ name: 'Cleanup logs', description: 'AI proposal', source: 'ai_generated' });
  await store.createPlaybook({ name: 'Backup 10', description: 'x' });
  await store.createPlaybook({ name: 'Backup 2', description: 'x' });
  await store.updatePlaybook('weekend-rds-shutdown', { description: 'Stops RDS instances on Friday night, starts them Monday' });

  const roots = await rootNodes(model);
  assert.deepEqual(await labels(roots), ['Local', 'Synced', 'AI-generated']);
  const items = await Promise.all(roots.map(async (r) => r.getTreeItem()));
  assert.deepEqual(items.map((i) => i.description), ['4', '0', '1']);
  assert.equal(items[1]?.collapsible, 'none', 'an empty area cannot be expanded');

  const local = await roots[0]!.getChildren();
  // Case-insensitive, numbers as numbers: as a person sorts.
  assert.deepEqual(await labels(local), ['apply security patches', 'Backup 2', 'Backup 10', 'Weekend RDS shutdown']);
  const rds = local[3] as PlaybookNode;
  const rdsItem = rds.getTreeItem();
  assert.equal(rdsItem.contextValue, 'playbook.local');
  // Past its first version the row says which one; a private playbook says nothing more (its icon does).
  assert.equal(rdsItem.description, 'v1.0.1');
  assert.equal(rdsItem.decorationUri, undefined);
  assert.match(rds.resolveTooltip(), /`weekend-rds-shutdown` · v1\.0\.1 · 2 versions/);
  assert.match(rds.resolveTooltip(), /Scripts: shell {2}\nUpdated just now \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
  assert.equal((local[1] as PlaybookNode).getTreeItem().description, undefined, 'a first version of a private playbook: the full name alone');

  const versions = await rds.getChildren();
  assert.deepEqual(await labels(versions), ['v1.0.1', 'v1.0.0']);
  assert.equal((versions[0] as VersionNode).getTreeItem().description, 'latest');

  const files = await versions[1]!.getChildren();
  assert.deepEqual(await labels(files), ['metadata.json', 'shell/stop.sh']);
  const script = files[1] as FileNode;
  const scriptItem = script.getTreeItem();
  assert.equal(scriptItem.contextValue, 'file.script');
  assert.ok(scriptItem.resourcePath?.endsWith(path.join('local', 'weekend-rds-shutdown', 'v1.0.0', 'shell', 'stop.sh')));
  assert.deepEqual(scriptItem.command, { command: 'escher.openFile', title: 'Open', arguments: [scriptItem.resourcePath] });

  const ai = await roots[2]!.getChildren();
  assert.equal((ai[0] as PlaybookNode).getTreeItem().contextValue, 'playbook.ai');
});

test('a store change invalidates the model and fires onDidChangeData; the next read sees it', async (t) => {
  const { store, model } = await setup(t);
  assert.equal(await model.total(), 0);
  let fired = 0;
  model.onDidChangeData(() => fired++);
  const pb = await store.createPlaybook({ name: 'Rotate keys', description: 'Rotate IAM access keys' });
  assert.equal(fired, 1);
  assert.equal(await model.total(), 1);
  await store.movePlaybook(pb.metadata.playbook_id, 'synced');
  assert.equal(fired, 2);
  const roots = await rootNodes(model);
  assert.deepEqual((await Promise.all(roots.map(async (r) => r.getTreeItem()))).map((i) => i.description), ['0', '1', '0']);
});

test('sync and review state show on the row: in review, approved, conflict, pending', async (t) => {
  const sync = new Map<string, PlaybookSyncState>();
  const { store, model } = await setup(t, sync);
  for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta']) {
    const pb = await store.createPlaybook({ name, description: name, storage_strategy: 'uploaded_for_review' });
    await store.movePlaybook(pb.metadata.playbook_id, 'synced');
  }
  sync.set('alpha', { phase: 'synced', review: 'pending' });
  sync.set('bravo', { phase: 'synced', review: 'approved' });
  sync.set('charlie', { phase: 'conflict', detail: 'description changed on both sides' });
  sync.set('delta', { phase: 'pending' });
  model.invalidate();
  const synced = (await rootNodes(model))[1] as AreaNode;
  const nodes = (await synced.getChildren()) as PlaybookNode[];
  const rows = nodes.map((n) => n.getTreeItem());
  // Only what asks for attention is said, as a word and a badge; approved is the quiet state.
  assert.deepEqual(rows.map((r) => r.description), ['in review', undefined, 'conflict', 'pending sync']);
  assert.deepEqual(rows.map((r) => r.decorationUri), ['escher-playbook:/review/synced/alpha', undefined, 'escher-playbook:/conflict/synced/charlie', 'escher-playbook:/pending/synced/delta']);
  assert.deepEqual(rows.map((r) => (r.icon?.kind === 'theme' ? r.icon.id : '')), ['clock', 'pass-filled', 'warning', 'cloud-upload']);
  assert.match(nodes[2]!.resolveTooltip(), /description changed on both sides/);
  assert.ok(rows.every((r) => r.contextValue === 'playbook.synced'));
});

test('a failing listing surfaces as an error and is retried on the next read, not cached', async (t) => {
  await tempHome(t);
  let fail = true;
  const model = new PlaybookTreeModel({
    listPlaybooks: async () => {
      if (fail) throw new Error('disk on fire');
      return [];
    },
    getPlaybook: () => Promise.reject(new Error('unused')),
  });
  t.after(() => model.dispose());
  await assert.rejects(rootNodes(model), /disk on fire/);
  fail = false;
  assert.deepEqual(await rootNodes(model), []);
});

test('a sensitive script opens through the decrypting command, not as ciphertext', async (t) => {
  const { store, model } = await setup(t);
  await store.createPlaybook({ name: 'Db password reset', description: 'x', scripts: [{ path: 'shell/reset.sh', content: 'echo secret', sensitive: true }] });
  const [local] = await rootNodes(model);
  const [pb] = await local!.getChildren();
  const [ver] = await pb!.getChildren();
  const files = await ver!.getChildren();
  const item = (files[1] as FileNode).getTreeItem();
  assert.equal(item.description, 'encrypted at rest');
  assert.deepEqual(item.command, { command: 'escher.openScript', title: 'Open', arguments: ['db-password-reset', '1.0.0', 'shell/reset.sh'] });
});

test('a diverged conflict is one row: the playbook with the conflict and Resolve Conflict… in its menu; its copy is no second row of the same name', async (t) => {
  const detail = 'stop-db: description changed both here and on the server';
  const sync = new Map<string, PlaybookSyncState>([
    ['stop-db', { phase: 'conflict', detail, conflictCopy: 'stop-db-conflict-1' }],
    ['stop-db-conflict-1', { phase: 'conflict', detail, conflictCopyOf: 'stop-db' }],
  ]);
  const { store, model } = await setup(t, sync);
  await store.createPlaybook({ playbook_id: 'stop-db', name: 'Stop DB', description: 'x' });
  await store.createPlaybook({ playbook_id: 'stop-db-conflict-1', name: 'Stop DB', description: 'x' });
  const roots = await rootNodes(model);
  assert.equal((await roots[0]!.getTreeItem()).description, '1', 'the area counts one playbook');
  const rows = await roots[0]!.getChildren();
  assert.deepEqual(await labels(rows), ['Stop DB']);
  const row = rows[0] as PlaybookNode;
  assert.equal(row.getTreeItem().contextValue, 'playbook.local.conflict');
  assert.match(row.resolveTooltip(), /Resolve Conflict… \\\(in its menu\\\) resolves it/);
  // Without the playbook listed (deleted), the copy is the only place the change is: it shows.
  await store.deletePlaybook('stop-db');
  model.invalidate();
  assert.deepEqual(await labels(await (await rootNodes(model))[0]!.getChildren()), ['Stop DB']);
});
