import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { schemaIssues, semanticIssues } from '../../../src/core/playbook-store/validate';
import { InvalidMetadataRegistry } from '../../../src/extension/diagnostics/invalid-metadata-registry';
import type { MetadataValidators } from '../../../src/extension/diagnostics/metadata-problems';
import { InvalidPlaybookNode } from '../../../src/extension/tree/invalid-playbook-node';
import { PlaybookTreeModel } from '../../../src/extension/tree/playbook-tree-model';
import { rootNodes } from '../../../src/extension/tree/root-nodes';
import type { TreeNode } from '../../../src/extension/tree/tree-node';
import { MemorySecrets, tempHome } from '../helpers/temp-home';

async function setup(t: Parameters<typeof tempHome>[0], validators: MetadataValidators = { schemaIssues, semanticIssues }) {
  const home = await tempHome(t);
  const dir = path.join(home, 'playbooks');
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets() });
  const logs: string[] = [];
  const registry = new InvalidMetadataRegistry(() => dir, () => validators, (m) => logs.push(m));
  const model = new PlaybookTreeModel({ listPlaybooks: () => store.listPlaybooks(), getPlaybook: (id, v) => store.getPlaybook(id, v), onDidChange: (l) => store.onDidChange(l) }, registry);
  model.setGroupBy('flat');
  t.after(async () => {
    model.dispose();
    registry.dispose();
  });
  const changed = () =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the registry never reported a change')), 5000);
      const sub = registry.onDidChange(() => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
  return { dir, store, registry, model, logs, changed };
}

async function rowsOf(node: TreeNode): Promise<Array<{ label: string; description?: string; icon?: string }>> {
  return Promise.all(
    (await node.getChildren()).map(async (n) => {
      const i = await n.getTreeItem();
      return { label: i.label, description: i.description, icon: i.icon?.kind === 'theme' ? i.icon.id : undefined };
    }),
  );
}

test('a playbook whose only metadata.json is broken JSON shows as an error row that opens the file, with a diagnostic; fixing it restores the playbook', async (t) => {
  const { dir, store, registry, model, changed } = await setup(t);
  await store.createPlaybook({ name: 'Rotate keys', description: 'Rotate IAM access keys' });
  await store.createPlaybook({ name: 'Stop RDS', description: 'Stop RDS at night' });
  const file = path.join(dir, 'local', 'stop-rds', 'v1.0.0', 'metadata.json');
  const good = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, good.replace('"name": "Stop RDS"', '"name": "Stop RDS",,'));

  const found = changed();
  model.invalidate();
  let [local] = await rootNodes(model);
  // The tree does not wait for the scan: the first paint has the valid playbook only…
  assert.deepEqual((await rowsOf(local!)).map((r) => r.label), ['Rotate keys']);
  await found;
  // …and the error row arrives with the registry's change event (which refreshes the view).
  [local] = await rootNodes(model);
  assert.equal((await local!.getTreeItem()).description, '2', 'the area counts the broken playbook');
  const rows = await rowsOf(local!);
  assert.deepEqual(rows.map((r) => r.label), ['Rotate keys', 'stop-rds']);
  assert.match(rows[1]!.description ?? '', /^invalid metadata: not valid JSON: a property name in double quotes is expected \(line \d+, column \d+\)$/);
  assert.equal(rows[1]!.icon, 'error');
  const node = (await local!.getChildren())[1] as InvalidPlaybookNode;
  assert.deepEqual(node.getTreeItem().command, { command: 'escher.openFile', title: 'Open metadata.json', arguments: [file] });
  assert.match(node.resolveTooltip(), /store skips this playbook/);
  const problems = registry.problemsByFile().get(file);
  assert.equal(problems?.length, 1);
  assert.ok(problems[0]!.start.line > 0, 'the diagnostic sits on the broken line, not at the top');

  await fs.writeFile(file, good);
  const fixed = changed();
  model.invalidate();
  await rootNodes(model);
  await fixed;
  [local] = await rootNodes(model);
  assert.deepEqual((await rowsOf(local!)).map((r) => r.label), ['Rotate keys', 'Stop RDS']);
  assert.equal(registry.problemsByFile().size, 0, 'the diagnostic is cleared');
});

test('a schema violation (hand-edited cloud provider) names the path and the allowed values', async (t) => {
  const { dir, store, registry } = await setup(t);
  await store.createPlaybook({ name: 'Stop RDS', description: 'x' });
  const file = path.join(dir, 'local', 'stop-rds', 'v1.0.0', 'metadata.json');
  await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace(/"cloud_provider": "\w+"/, '"cloud_provider": "mars"'));
  await registry.afterListing(await store.listPlaybooks());
  const [row] = registry.invalidIn('local');
  assert.equal(row?.playbookId, 'stop-rds');
  assert.match(row.reason, /^\/cloud_provider must be equal to one of the allowed values: aws/);
});

test('an invalid newer version of a listed playbook: the watcher\'s check publishes its diagnostic, the playbook stays listed at the older version', async (t) => {
  const { dir, store, registry, model } = await setup(t);
  await store.createPlaybook({ name: 'Stop RDS', description: 'x' });
  const v1 = path.join(dir, 'local', 'stop-rds', 'v1.0.0');
  const v2 = path.join(dir, 'local', 'stop-rds', 'v1.1.0');
  await fs.cp(v1, v2, { recursive: true });
  const file = path.join(v2, 'metadata.json');
  // Copied by hand without bumping the version inside: the store's folder-name rule rejects it.
  await registry.check([file, path.join(dir, 'local', 'stop-rds', 'v1.0.0', 'shell')]);
  assert.deepEqual(registry.problemsByFile().get(file)?.map((p) => p.message), ['version "1.0.0" does not match its folder "v1.1.0"']);
  const [local] = await rootNodes(model);
  await registry.afterListing(await store.listPlaybooks());
  assert.deepEqual((await rowsOf(local!)).map((r) => [r.label, r.description]), [['Stop RDS', undefined]]);
  assert.deepEqual(registry.invalidIn('local'), [], 'no error row: the playbook is there');

  await fs.rm(v2, { recursive: true });
  await registry.check([file]);
  assert.equal(registry.problemsByFile().size, 0, 'a deleted file loses its diagnostic');
});

test('expanding a playbook shows its skipped version folders as error rows among the versions, and publishes their diagnostics', async (t) => {
  const { dir, store, registry, model } = await setup(t);
  await store.createPlaybook({ name: 'Stop RDS', description: 'x' });
  await store.updatePlaybook('stop-rds', { description: 'y' });
  const v3 = path.join(dir, 'local', 'stop-rds', 'v1.2.0');
  await fs.cp(path.join(dir, 'local', 'stop-rds', 'v1.0.1'), v3, { recursive: true });
  const file = path.join(v3, 'metadata.json');
  const [local] = await rootNodes(model);
  const [pb] = await local!.getChildren();
  const versions = await pb!.getChildren();
  const items = await Promise.all(versions.map(async (v) => v.getTreeItem()));
  assert.deepEqual(items.map((i) => [i.label, i.description]), [
    ['v1.2.0', 'invalid metadata: version "1.0.1" does not match its folder "v1.2.0"'],
    ['v1.0.1', 'latest'],
    ['v1.0.0', undefined],
  ]);
  assert.deepEqual(items[0]!.command?.arguments, [file]);
  assert.equal(registry.problemsByFile().get(file)?.length, 1, 'found without any watcher event');

  await fs.rm(v3, { recursive: true });
  assert.deepEqual((await Promise.all((await pb!.getChildren()).map(async (v) => (await v.getTreeItem()).label))), ['v1.0.1', 'v1.0.0']);
  assert.equal(registry.problemsByFile().size, 0, 'a deleted version folder loses its diagnostic');
});

test('a store holding only broken playbooks still shows the areas (not the empty-store welcome), and a version folder without metadata.json says so', async (t) => {
  const { dir, registry, model, changed } = await setup(t);
  await fs.mkdir(path.join(dir, 'synced', 'half-copied', 'v2.0.0'), { recursive: true });
  await fs.mkdir(path.join(dir, 'local', '.tmp-x-1-2', 'v1.0.0'), { recursive: true });
  await fs.mkdir(path.join(dir, 'local', 'no-versions'), { recursive: true });
  const found = changed();
  assert.deepEqual(await rootNodes(model), []);
  await found;
  const roots = await rootNodes(model);
  assert.equal(roots.length, 3);
  const [row] = (await roots[1]!.getChildren()) as InvalidPlaybookNode[];
  const item = row!.getTreeItem();
  assert.equal(item.description, 'invalid metadata: metadata.json is missing');
  assert.equal(item.command, undefined, 'nothing to open');
  assert.deepEqual(await roots[0]!.getChildren(), [], 'bookkeeping and empty id folders are not playbooks');
  assert.equal(registry.problemsByFile().size, 0);
});

test('a validator that throws is logged, never thrown, and the tree still lists', async (t) => {
  const broken: MetadataValidators = {
    schemaIssues: () => {
      throw new Error('core bundle missing');
    },
    semanticIssues: () => [],
  };
  const { dir, store, registry, model, logs } = await setup(t, broken);
  await store.createPlaybook({ name: 'Stop RDS', description: 'x' });
  const file = path.join(dir, 'local', 'stop-rds', 'v1.0.0', 'metadata.json');
  await registry.check([file]);
  await registry.afterListing(await store.listPlaybooks());
  assert.ok(logs.some((l) => l.includes(`could not validate ${file}: core bundle missing`)));
  const [local] = await rootNodes(model);
  assert.deepEqual((await rowsOf(local!)).map((r) => r.label), ['Stop RDS']);
  assert.equal(registry.problemsByFile().size, 0);
});
