import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { compareWithPreviousFlow, discardDraftFlow, editAsNewVersionFlow, saveDraftFlow } from '../../../src/extension/commands/drafts';
import { commandEnv } from '../helpers/command-env';

test('Edit as New Version opens the draft\'s metadata.json; Save Draft as New Version writes the chosen version; the tree row then compares it with the one before', async (t) => {
  const { svc, ui, ctx, home } = await commandEnv(t, { answers: ['Save as v1.1.0'] });
  await svc.store.createPlaybook({ name: 'Patch fleet', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo 1\n' }, { path: 'python/p.py', content: 'p = 1\n' }] });
  const dir = await editAsNewVersionFlow(ctx, { playbookId: 'patch-fleet' });
  assert.equal(dir, path.join(home, 'drafts', 'patch-fleet'));
  assert.deepEqual(ui.opened, [path.join(dir, 'metadata.json')]);
  assert.match(ui.messages[0]?.text ?? '', /Editing a draft of patch-fleet made from v1\.0\.0/);
  await fs.writeFile(path.join(dir, 'shell', 'run.sh'), 'echo 2\n');

  const saved = await saveDraftFlow(ctx, { playbookId: 'patch-fleet' });
  assert.equal(saved?.metadata.version, '1.1.0');
  assert.match(ui.messages.at(-1)?.text ?? '', /Saved the draft of patch-fleet as v1\.1\.0/);
  await assert.rejects(fs.stat(dir), 'the draft is gone');

  assert.equal(await compareWithPreviousFlow(ctx, { playbookId: 'patch-fleet' }), 2);
  const v1 = (await svc.store.getPlaybook('patch-fleet', '1.0.0')).dir;
  const v2 = (await svc.store.getPlaybook('patch-fleet', '1.1.0')).dir;
  assert.deepEqual(
    ui.diffs.map((d) => [d.left, d.right, d.title]),
    [
      [path.join(v1, 'metadata.json'), path.join(v2, 'metadata.json'), 'patch-fleet: metadata.json (v1.0.0 ↔ v1.1.0)'],
      [path.join(v1, 'shell/run.sh'), path.join(v2, 'shell/run.sh'), 'patch-fleet: shell/run.sh (v1.0.0 ↔ v1.1.0)'],
    ],
    'only the script that changed gets a diff',
  );
  assert.equal(await compareWithPreviousFlow(ctx, { playbookId: 'patch-fleet', version: '1.0.0' }), 0);
  assert.match(ui.messages.at(-1)?.text ?? '', /v1\.0\.0 has no earlier version/);
  assert.ok(ui.exhausted, 'every answer was asked for');
});

test('Edit as New Version from a stored file\'s editor title opens that file in the draft; a file outside the store falls back to asking', async (t) => {
  const { svc, ui, ctx, home } = await commandEnv(t, { answers: ['Patch fleet'] });
  const pb = await svc.store.createPlaybook({ name: 'Patch fleet', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo 1\n' }] });
  await editAsNewVersionFlow(ctx, { fsPath: path.join(pb.dir, 'shell', 'run.sh') });
  assert.deepEqual(ui.opened, [path.join(home, 'drafts', 'patch-fleet', 'shell', 'run.sh')]);
  await editAsNewVersionFlow(ctx, { fsPath: path.join(home, 'elsewhere.sh') });
  assert.equal(ui.opened[1], path.join(home, 'drafts', 'patch-fleet', 'metadata.json'));
  assert.match(ui.messages.at(-1)?.text ?? '', /The draft of patch-fleet \(from v1\.0\.0\) is open again/);
  assert.ok(ui.exhausted, 'the second call asked which playbook');
});

test('Save with nothing changed keeps the draft; Discard asks, then deletes it; with no drafts the palette says how to make one', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Save as v1.0.1', 'same', false, 'same', true] });
  await svc.store.createPlaybook({ name: 'Same', description: 'd', scripts: [{ path: 'shell/run.sh', content: 'echo 1\n' }] });
  const dir = (await editAsNewVersionFlow(ctx, { playbookId: 'same' }))!;
  assert.equal(await saveDraftFlow(ctx, { playbookId: 'same' }), undefined);
  assert.match(ui.messages.at(-1)?.text ?? '', /Nothing changed: same stays at v1\.0\.0; the draft is kept/);
  assert.ok(await fs.stat(dir));
  assert.equal(await discardDraftFlow(ctx, undefined), false, 'declined');
  assert.ok(await fs.stat(dir));
  assert.equal(await discardDraftFlow(ctx, undefined), true);
  await assert.rejects(fs.stat(dir));
  assert.deepEqual((await svc.store.listPlaybooks())[0]?.versions, ['1.0.0']);
  assert.equal(await saveDraftFlow(ctx, undefined), undefined);
  assert.match(ui.messages.at(-1)?.text ?? '', /No drafts in progress/);
  assert.ok(ui.exhausted, 'every answer was asked for');
});
