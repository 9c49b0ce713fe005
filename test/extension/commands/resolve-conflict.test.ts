import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { main } from '../../../src/cli/main';
import { resolveConflictFlow } from '../../../src/extension/commands/resolve-conflict';
import { syncStatesFrom } from '../../../src/extension/tree/sync-states';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import type { Answer } from '../helpers/scripted-ui';
import { commandEnv } from '../helpers/command-env';
import { commandsHost } from '../helpers/commands-host';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

async function cli(h: string, args: string[]): Promise<string> {
  let out = '';
  const streams = { stdout: { write: (x: string | Uint8Array) => (out += x.toString()) }, stderr: { write: (x: string) => (out += x) } };
  const code = await main(args, streams, { ESCHER_HOME: h, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN });
  assert.equal(code, 0, `${args.join(' ')}: ${out}`);
  return out;
}

/**
 * Home A (the CLI) publishes; the extension's home is a copy of A (the same user on a second
 * machine). A changes the description and syncs; the extension's home changes it too and syncs:
 * a diverged conflict, kept both.
 */
async function conflicted(t: TestContext, id: string, answers: Answer[]) {
  const a = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-ext-conflict-'));
  t.after(() => fs.rm(a, { recursive: true, force: true }));
  await fs.writeFile(path.join(a, 'run.sh'), '#!/bin/sh\necho base\n');
  await cli(a, ['create', '--id', id, '--name', 'Stop things', '--description', 'base', '--script', `shell=${path.join(a, 'run.sh')}`]);
  await cli(a, ['publish', id, '--trusted']);
  const env = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN, answers });
  await fs.cp(path.join(a, 'playbooks'), path.join(env.home, 'playbooks'), { recursive: true });
  await fs.cp(path.join(a, 'sync'), path.join(env.home, 'sync'), { recursive: true });
  await cli(a, ['update', id, '--description', 'theirs']);
  await cli(a, ['sync']);
  await env.svc.store.updatePlaybook(id, { description: 'mine', scripts: [{ path: 'shell/run.sh', content: '#!/bin/sh\necho mine\n' }] });
  const report = await env.svc.publisher.syncAllMetadata();
  assert.equal(report.conflicts.length, 1);
  return { ...env, a, copy: report.conflicts[0]!.copy_id! };
}

test('Resolve Conflict… shows both sides, Keep Mine publishes mine, removes the copy and clears the conflict for the tree and the status bar', async (t) => {
  const { svc, ui, ctx, a, copy } = await conflicted(t, 'rc-mine', ['Keep Mine']);
  const states = syncStatesFrom(await svc.publisher.syncViews());
  assert.equal(states.get('rc-mine')?.conflictCopy, copy, 'the playbook carries the conflict');
  assert.equal(states.get(copy)?.conflictCopyOf, 'rc-mine', 'the copy is not a row of its own');
  // The server's v1.0.2 is written here after my own v1.0.2: as v1.0.3, and every message says so.
  assert.equal((await svc.store.getPlaybook('rc-mine')).metadata.version, '1.0.3');
  assert.match((await svc.publisher.status()).conflicts[0]?.message ?? '', /rc-mine now holds the server's v1\.0\.2 \(written here as v1\.0\.3\)/);
  const { host, record } = commandsHost(ctx, svc);
  const r = await resolveConflictFlow(ctx, host.syncDisplay, { playbookId: 'rc-mine' });
  assert.deepEqual([r?.outcome, r?.publish], ['resolved', 'published']);
  assert.deepEqual(
    ui.diffs.map((d) => d.title),
    [`rc-mine: metadata.json (theirs v1.0.3 ↔ mine (${copy}))`, `rc-mine: shell/run.sh (theirs v1.0.3 ↔ mine (${copy}))`],
  );
  assert.deepEqual(ui.picks[0]?.labels, ['Keep Mine', 'Keep Theirs', 'Merge…']);
  assert.match(ui.messages.at(-1)?.text ?? '', new RegExp(`Resolved rc-mine: kept your version as v${r?.version ?? ''}, published; ${copy} was removed`));
  assert.deepEqual([record.explorerRefreshes, record.statusUpdates], [1, 1]);
  assert.deepEqual((await svc.store.listPlaybooks()).map((p) => p.playbook_id), ['rc-mine']);
  assert.equal((await svc.publisher.status()).conflicts.length, 0, 'the status bar reads no conflict');
  assert.equal(syncStatesFrom(await svc.publisher.syncViews()).get('rc-mine')?.phase, 'synced');
  assert.equal((await svc.compare.withServer('rc-mine')).files.length, 0, 'the server has mine');
  await cli(a, ['sync']);
  assert.match(await cli(a, ['show', 'rc-mine']), /mine/);
});

test('Resolve Conflict… Merge makes a merge draft and opens it; once edited, Save Merge publishes it', async (t) => {
  const { svc, ui, ctx, home, copy } = await conflicted(t, 'rc-merge', ['Merge…', 'Save Merge']);
  const { host } = commandsHost(ctx, svc);
  const made = await resolveConflictFlow(ctx, host.syncDisplay, { playbookId: copy });
  assert.equal(made?.outcome, 'draft');
  const draft = path.join(home, 'drafts', 'rc-merge');
  assert.deepEqual(ui.opened, [path.join(draft, 'metadata.json')]);
  assert.match(ui.messages.at(-1)?.text ?? '', /Conflict markers in metadata\.json\. .*choose Save Merge/);
  const meta = await fs.readFile(path.join(draft, 'metadata.json'), 'utf8');
  assert.match(meta, /<<<<<<< mine\n {2}"description": "mine",\n=======\n {2}"description": "theirs",\n>>>>>>> theirs\n/);
  assert.equal(await fs.readFile(path.join(draft, 'shell', 'run.sh'), 'utf8'), '#!/bin/sh\necho mine\n', 'changed on my side only: mine');
  await fs.writeFile(path.join(draft, 'metadata.json'), meta.replace(/<<<<<<< mine\n.*\n=======\n.*\n>>>>>>> theirs\n/, '  "description": "merged",\n'));
  const saved = await resolveConflictFlow(ctx, host.syncDisplay, { playbookId: 'rc-merge' });
  assert.deepEqual([saved?.outcome, saved?.publish], ['resolved', 'published']);
  assert.equal((await svc.store.getPlaybook('rc-merge')).metadata.description, 'merged');
  assert.deepEqual((await svc.store.listPlaybooks()).map((p) => p.playbook_id), ['rc-merge']);
  assert.deepEqual(await svc.drafts.list(), []);
  assert.ok(ui.exhausted);
});
