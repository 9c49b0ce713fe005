import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { PlaybookService } from '../../../src/core/service';
import { saveDraftFlow } from '../../../src/extension/commands/drafts';
import { errorActions } from '../../../src/extension/commands/error-actions';
import { restoreFromServerFlow } from '../../../src/extension/commands/restore';
import { PlaybookNode } from '../../../src/extension/tree/playbook-node';
import { PlaybookTreeModel } from '../../../src/extension/tree/playbook-tree-model';
import type { VersionNode } from '../../../src/extension/tree/version-node';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import { commandEnv } from '../helpers/command-env';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

/** The explorer's model over the service's store, as the container builds it (with the modified-on-disk check). */
function treeOf(t: { after(fn: () => void): void }, svc: PlaybookService): PlaybookTreeModel {
  const model = new PlaybookTreeModel({
    listPlaybooks: () => svc.store.listPlaybooks(),
    getPlaybook: (id, v) => svc.store.getPlaybook(id, v),
    findModifiedFiles: (pb) => svc.store.findModifiedFiles(pb),
    onDidChange: (l) => svc.store.onDidChange(l),
  });
  model.setGroupBy('flat');
  t.after(() => model.dispose());
  return model;
}

async function versionRows(model: PlaybookTreeModel, id: string): Promise<VersionNode[]> {
  const summary = (await model.playbooksIn('synced')).find((p) => p.playbook_id === id) ?? (await model.playbooksIn('local')).find((p) => p.playbook_id === id);
  assert.ok(summary, `${id} is listed`);
  return (await new PlaybookNode(summary, undefined, undefined, model).getChildren()) as VersionNode[];
}

async function publishedThenChanged(svc: PlaybookService, home: string, id: string): Promise<string> {
  await svc.store.createPlaybook({ playbook_id: id, name: id, description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo original\n' }] });
  assert.equal((await svc.publisher.publishMetadata(id, { strategy: 'uploaded_trusted' })).status, 'published');
  const file = path.join(home, 'playbooks', 'synced', id, 'v1.0.1', 'shell', 'run.sh');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, 'echo edited elsewhere\n');
  return file;
}

test('a published version changed on disk is marked in the tree with Restore from Server; the action puts the file back and the row is clean', async (t) => {
  const { svc, ui, ctx, home } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const file = await publishedThenChanged(svc, home, 'rs-tree');
  const model = treeOf(t, svc);
  const [before] = await versionRows(model, 'rs-tree');
  const item = before!.getTreeItem();
  assert.equal(item.contextValue, 'version.modified.published', 'the menus offer Restore from Server here');
  assert.equal(item.description, 'latest · modified on disk');
  assert.match(String(item.tooltip), /shell\/run\.sh no longer match metadata\.json.*Restore from Server/);

  const r = await restoreFromServerFlow(ctx, before);
  assert.deepEqual(r?.restored, ['shell/run.sh']);
  assert.equal(await fs.readFile(file, 'utf8'), 'echo original\n');
  assert.match(ui.messages.at(-1)?.text ?? '', /Restored shell\/run\.sh of rs-tree v1\.0\.1 from the server/);
  assert.deepEqual(ui.progress, ['Restoring rs-tree from the server…']);
  // The store's change event dropped the model's cache: the row is read again, clean.
  const [afterRow] = await versionRows(model, 'rs-tree');
  assert.equal(afterRow!.getTreeItem().contextValue, 'version');
  assert.equal(afterRow!.getTreeItem().description, 'latest');
});

test('an unpublished modified version is marked without Restore; restoring it is refused with Edit as New Version offered', async (t) => {
  const { svc, ctx, home } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ playbook_id: 'rs-mine', name: 'Mine', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo a\n' }] });
  const file = path.join(home, 'playbooks', 'local', 'rs-mine', 'v1.0.0', 'shell', 'run.sh');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, 'echo b\n');
  const [row] = await versionRows(treeOf(t, svc), 'rs-mine');
  assert.equal(row!.getTreeItem().contextValue, 'version.modified');
  const err = await restoreFromServerFlow(ctx, { playbookId: 'rs-mine', version: '1.0.0' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.match((err as Error).message, /rs-mine v1\.0\.0 is not on the server/);
  assert.deepEqual(errorActions(err).map((a) => a.label), ['Edit as New Version', 'Open Log']);
  assert.equal(await fs.readFile(file, 'utf8'), 'echo b\n');
});

test('a refused publish of a modified published version offers Restore from Server and Edit as New Version', async (t) => {
  const { svc, home } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await publishedThenChanged(svc, home, 'rs-refused');
  const refusal = await svc.publisher.publishMetadata('rs-refused', { strategy: 'uploaded_trusted' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.match((refusal as Error).message, /rs-refused v1\.0\.1 was modified on disk/);
  assert.deepEqual(errorActions(refusal).map((a) => a.kind === 'command' && a.command), ['escher.restoreFromServer', 'escher.editAsNewVersion', false]);
});

test('Save Draft as New Version from a changed published version: the change is the new version, the old one restored, and the message says so', async (t) => {
  const { svc, ui, ctx, home } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN, answers: ['Save as v1.0.2'] });
  const file = await publishedThenChanged(svc, home, 'rs-save');
  const d = await svc.drafts.open('rs-save');
  assert.deepEqual(d.changedOnDisk, ['shell/run.sh']);
  const r = await saveDraftFlow(ctx, { playbookId: 'rs-save' });
  assert.equal(r?.metadata.version, '1.0.2');
  assert.equal((await svc.store.readScript(await svc.store.getPlaybook('rs-save'), 'shell/run.sh')).toString(), 'echo edited elsewhere\n');
  assert.equal(await fs.readFile(file, 'utf8'), 'echo original\n');
  assert.match(ui.messages.at(-1)?.text ?? '', /Saved the draft of rs-save as v1\.0\.2\. rs-save v1\.0\.1 had files changed on disk \(shell\/run\.sh\): the new version keeps them, and v1\.0\.1 was restored from the server\./);
});
