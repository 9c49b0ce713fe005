import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { metadataLenses } from '../../../src/extension/codelens/metadata-lenses';
import { commandTable } from '../../../src/extension/commands/command-table';
import { commandEnv } from '../helpers/command-env';
import { startTestServer, TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { commandsHost } from '../helpers/commands-host';

interface Manifest {
  contributes: { commands: Array<{ command: string }>; menus: Record<string, Array<{ command: string }>>; viewsWelcome: Array<{ contents: string }> };
}
const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
/** Commands only tree rows invoke (with their file as the argument): not in the palette. */
const INTERNAL = ['escher.openFile', 'escher.openScript'];

test('every contributed command has exactly one handler, and every handler is contributed or internal', async (t) => {
  const { svc, ctx } = await commandEnv(t);
  const ids = commandTable(commandsHost(ctx, svc).host).map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
  const contributed = manifest.contributes.commands.map((c) => c.command);
  assert.deepEqual([...ids].sort(), [...contributed, ...INTERNAL].sort());
});

test('menus, the welcome view and every code lens name a command the table handles', async (t) => {
  const { svc, ctx } = await commandEnv(t);
  const ids = new Set(commandTable(commandsHost(ctx, svc).host).map((c) => c.id));
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) for (const i of items) assert.ok(ids.has(i.command), `${menu}: ${i.command}`);
  for (const w of manifest.contributes.viewsWelcome) for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(ids.has(m[1] ?? ''), `welcome: ${m[1]}`);
  for (const area of ['local', 'synced', 'ai-generated'] as const) {
    for (const latestVersion of [undefined, '1.0.0', '2.0.0']) {
      const lenses = metadataLenses({ location: { area, playbookId: 'rds-stop', version: '1.0.0' }, latestVersion, storageStrategy: 'local_only', sync: undefined, signedIn: true });
      for (const l of lenses) assert.ok(ids.has(l.command), `lens "${l.title}": ${l.command}`);
    }
  }
});

test('Refresh, Show Log, Sign In, grouping and Open reach the host; Open ignores an argument that is not a path', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const { svc, ui, ctx } = await commandEnv(t, { answers: [TEST_TOKEN] });
  const { host, record, secrets } = commandsHost(ctx, svc, { serverUrl: s.url, tenantId: TEST_TENANT });
  const run = (id: string, ...args: unknown[]) => {
    const c = commandTable(host).find((x) => x.id === id);
    assert.ok(c, id);
    return c.handler(...args);
  };
  await run('escher.refresh');
  await run('escher.showLog');
  assert.deepEqual([record.refreshes, record.logShown], [1, 1]);
  await run('escher.signIn');
  assert.equal(secrets.values.get('escher.token'), TEST_TOKEN);
  assert.equal(record.connected, 1);
  assert.match(ui.prompts[0] ?? '', new RegExp(`Sign In to ${s.url.replace(/[.:/]/g, '\\$&')}`));
  await run('escher.groupByResourceType');
  await run('escher.groupFlat');
  await run('escher.groupByCloud');
  assert.deepEqual(record.groupBy, ['resourceType', 'flat', 'cloud']);
  await run('escher.openFile', { not: 'a path' });
  await run('escher.openFile', '/tmp/x/metadata.json');
  assert.deepEqual(ui.opened, ['/tmp/x/metadata.json']);
  await run('escher.openScript', 'id-only');
  assert.deepEqual(ui.shown, [], 'Open Script without all three arguments shows nothing');
});

test('Restricted Mode: the run commands are disabled and every menu that offers them requires a trusted workspace', () => {
  const m = manifest as unknown as { contributes: { commands: Array<{ command: string; enablement?: string }>; menus: Record<string, Array<{ command: string; when?: string }>> } };
  for (const id of ['escher.runPlaybook', 'escher.runAgain']) {
    assert.equal(m.contributes.commands.find((c) => c.command === id)?.enablement, 'isWorkspaceTrusted', id);
    const entries = Object.values(m.contributes.menus).flat().filter((i) => i.command === id);
    assert.ok(entries.length > 0, `${id} is offered somewhere`);
    for (const i of entries) assert.match(i.when ?? '', /isWorkspaceTrusted/, `${id}: ${i.when ?? '(always)'}`);
  }
});

test('Upload for Review from the table re-reads the explorer and the status bar once the publish is done (not only on the store move)', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const { svc, ui, ctx } = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ name: 'Weekend stop', description: 'x', scripts: [{ path: 'shell/stop.sh', content: 'echo stop\n' }] });
  const { host, record } = commandsHost(ctx, svc);
  const spec = commandTable(host).find((c) => c.id === 'escher.uploadForReview')!;
  assert.equal(await spec.handler({ playbookId: 'weekend-stop' }), 'published');
  assert.ok(ui.exhausted);
  assert.deepEqual([record.explorerRefreshes, record.statusUpdates], [1, 1]);
  // What the re-read shows: the review state the publisher has saved by then.
  const views = await svc.publisher.syncViews();
  assert.equal(views.get('weekend-stop')?.review_status, 'pending');
});
