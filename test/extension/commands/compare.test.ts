import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { compareVersionsFlow, compareWithServerFlow } from '../../../src/extension/commands/compare';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import { commandEnv } from '../helpers/command-env';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

test('Compare Versions… opens a diff editor per changed file for the two versions picked, older on the left; one version or a wrong count says so', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: [['v1.0.2', 'v1.0.0'], ['v1.0.1']] });
  await svc.store.createPlaybook({ name: 'Rotate keys', description: 'one', scripts: [{ path: 'shell/run.sh', content: 'echo one\n' }] });
  await svc.store.updatePlaybook('rotate-keys', { description: 'two' });
  await svc.store.updatePlaybook('rotate-keys', { scripts: [{ path: 'shell/run.sh', content: 'echo three\n' }] });
  assert.equal(await compareVersionsFlow(ctx, { playbookId: 'rotate-keys' }), 2);
  assert.deepEqual(ui.picks[0]?.labels, ['v1.0.2', 'v1.0.1', 'v1.0.0'], 'newest first');
  assert.deepEqual(
    ui.diffs.map((d) => d.title),
    ['rotate-keys: metadata.json (v1.0.0 ↔ v1.0.2)', 'rotate-keys: shell/run.sh (v1.0.0 ↔ v1.0.2)'],
  );
  const script = ui.diffDocs.filter((d) => d.name.endsWith('shell/run.sh')).map((d) => d.content);
  assert.deepEqual(script, ['echo one\n', 'echo three\n']);
  assert.equal(await compareVersionsFlow(ctx, { playbookId: 'rotate-keys' }), 0);
  assert.match(ui.messages.at(-1)?.text ?? '', /Pick exactly two versions to compare \(1 picked\)/);
  await svc.store.createPlaybook({ name: 'Single', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo\n' }] });
  assert.equal(await compareVersionsFlow(ctx, { playbookId: 'single' }), 0);
  assert.match(ui.messages.at(-1)?.text ?? '', /single has a single version/);
  assert.ok(ui.exhausted);
});

test('Compare with Server: the same content says so; a local edit opens its diff against the server\'s verified copy', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ name: 'Drain node', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo server\n' }] });
  const pub = await svc.publisher.publishMetadata('drain-node', { strategy: 'uploaded_trusted' });
  assert.equal(pub.status, 'published');
  assert.equal(await compareWithServerFlow(ctx, { playbookId: 'drain-node' }), 0);
  assert.match(ui.messages.at(-1)?.text ?? '', /drain-node: v1\.0\.1 and server\/v1\.0\.1 hold the same content/);
  await svc.store.updatePlaybook('drain-node', { scripts: [{ path: 'shell/run.sh', content: 'echo local\n' }] });
  assert.equal(await compareWithServerFlow(ctx, { playbookId: 'drain-node' }), 2);
  assert.deepEqual(
    ui.diffs.map((d) => [d.left, d.right, d.title]),
    [
      ['readonly:drain-node v1.0.2 metadata.json', 'readonly:drain-node server/v1.0.1 metadata.json', 'drain-node: metadata.json (v1.0.2 ↔ server/v1.0.1)'],
      ['readonly:drain-node v1.0.2 shell/run.sh', 'readonly:drain-node server/v1.0.1 shell/run.sh', 'drain-node: shell/run.sh (v1.0.2 ↔ server/v1.0.1)'],
    ],
  );
  assert.equal(ui.diffDocs.find((d) => d.name === 'drain-node server/v1.0.1 shell/run.sh')?.content, 'echo server\n');
  assert.deepEqual(ui.progress, ["Fetching the server's copy of drain-node…", "Fetching the server's copy of drain-node…"]);
});

test('Compare with Server with the server down fails with the client\'s error, nothing opened', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { serverUrl: 'http://127.0.0.1:9', tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.store.createPlaybook({ name: 'Offline', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo\n' }] });
  await assert.rejects(compareWithServerFlow(ctx, { playbookId: 'offline' }), (e: Error & { code?: string }) => e.code === 'NETWORK');
  assert.deepEqual(ui.diffs, []);
});
