import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { main } from '../../../src/cli/main';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** publish / sync / status as a user runs them (main() in-process, real server on loopback). */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

async function home(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-cli-sync-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

function env(h: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ESCHER_HOME: h, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN, ...extra };
}

async function cli(h: string, args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const streams = { stdout: { write: (x: string | Uint8Array) => (stdout += x.toString()) }, stderr: { write: (x: string) => (stderr += x) } };
  const code = await main(args, streams, env(h, extra));
  return { code, stdout, stderr };
}

async function createOne(h: string, id: string): Promise<void> {
  const script = path.join(h, 'stop.sh');
  await fs.writeFile(script, '#!/bin/sh\necho stop\n');
  const r = await cli(h, ['create', '--id', id, '--name', `Stop ${id}`, '--description', 'stops things', '--script', `shell=${script}`]);
  assert.equal(r.code, 0, r.stderr);
}

test('publish --review, then status and a no-op sync; publish needs exactly one strategy', async (t) => {
  const h = await home(t);
  await createOne(h, 'cli-pub');
  const bad = await cli(h, ['publish', 'cli-pub']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /exactly one of --review or --trusted/);
  const pub = await cli(h, ['publish', 'cli-pub', '--review']);
  assert.equal(pub.code, 0, pub.stderr);
  assert.match(pub.stdout, /published cli-pub v1\.0\.1: now in synced\/, waiting for review/);
  const st = JSON.parse((await cli(h, ['--json', 'status'])).stdout) as { tracked: number; lastSyncAt: string | null; queued: unknown[]; conflicts: unknown[] };
  assert.deepEqual([st.tracked, st.queued, st.conflicts], [1, [], []]);
  const sync = await cli(h, ['--json', 'sync']);
  assert.equal(sync.code, 0, sync.stderr);
  const report = JSON.parse(sync.stdout) as { requests: number; failed: unknown[] };
  assert.deepEqual([report.requests, report.failed], [1, []]);
  const text = await cli(h, ['status']);
  assert.match(text.stdout, /last sync: +\d{4}-.*\(\d+ s ago\)/);
  assert.match(text.stdout, /conflicts: +0/);
});

test('sync with the server down exits 9 and status lists what is queued; no server configured is a config error', async (t) => {
  const h = await home(t);
  await createOne(h, 'cli-down');
  const down = await cli(h, ['publish', 'cli-down', '--trusted'], { ESCHER_SERVER_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 7, down.stderr);
  assert.match(down.stdout, /queued cli-down/);
  const syncDown = await cli(h, ['sync'], { ESCHER_SERVER_URL: 'http://127.0.0.1:9' });
  assert.equal(syncDown.code, 9, syncDown.stderr);
  assert.match(syncDown.stdout, /1 queued/);
  const st = await cli(h, ['status'], { ESCHER_SERVER_URL: 'http://127.0.0.1:9' });
  assert.match(st.stdout, /queued: +1\n +publish cli-down \(2 failed attempt/);
  const none = await cli(h, ['sync'], { ESCHER_SERVER_URL: '' });
  assert.equal(none.code, 6);
  assert.match(none.stderr, /No Escher server is configured/);
  const ok = await cli(h, ['sync']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /1 published/);
});

test('sync --watch runs in the foreground, syncs, and stops cleanly on SIGINT', { timeout: 60_000 }, async (t) => {
  const h = await home(t);
  await createOne(h, 'cli-watch');
  await cli(h, ['publish', 'cli-watch', '--review']);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts'), '--json', 'sync', '--watch'], {
    env: { ...process.env, ...env(h) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const firstSync = new Promise<void>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"requests"')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await Promise.race([firstSync, exited]);
  assert.match(out, /"requests":1/, err);
  child.kill('SIGINT');
  assert.equal(await exited, 0, err);
});

test('sync exits 4 while it leaves a conflict open, and 0 once the conflict copy is dealt with', async (t) => {
  const a = await home(t);
  const b = await home(t);
  await createOne(a, 'cli-conflict');
  assert.equal((await cli(a, ['publish', 'cli-conflict', '--trusted'])).code, 0);
  // The same id made independently on another machine, in synced/: its first sync collides with A's.
  const script = path.join(b, 'other.sh');
  await fs.writeFile(script, '#!/bin/sh\necho other\n');
  const made = await cli(b, ['create', '--id', 'cli-conflict', '--name', 'Other stop', '--description', 'made on B', '--area', 'synced', '--strategy', 'uploaded_trusted', '--script', `shell=${script}`]);
  assert.equal(made.code, 0, made.stderr);
  const first = await cli(b, ['sync']);
  assert.equal(first.code, 4, first.stdout + first.stderr);
  assert.match(first.stdout, /1 conflicts/);
  assert.match(first.stdout, /^conflict: /m);
  const again = await cli(b, ['--json', 'sync']);
  assert.equal(again.code, 4, 'a conflict still open after a sync with nothing new is still exit 4');
  const report = JSON.parse(again.stdout) as { conflicts: unknown[]; openConflicts: number };
  assert.deepEqual([report.conflicts.length, report.openConflicts], [0, 1]);
  const st = JSON.parse((await cli(b, ['--json', 'status'])).stdout) as { conflicts: Array<{ copy_id?: string; message: string }> };
  const copy = /(cli-conflict-conflict-\d+)/.exec(JSON.stringify(st.conflicts))?.[1];
  assert.ok(copy, JSON.stringify(st.conflicts));
  assert.equal((await cli(b, ['delete', copy])).code, 0);
  const done = await cli(b, ['sync']);
  assert.equal(done.code, 0, done.stdout + done.stderr);
});

test('cache clear never touches sync state: an edit queued offline survives it and the next sync sends it, with no false conflict', async (t) => {
  const h = await home(t);
  await createOne(h, 'cli-keep');
  assert.equal((await cli(h, ['publish', 'cli-keep', '--trusted'])).code, 0);
  assert.equal((await cli(h, ['update', 'cli-keep', '--description', 'edited offline'])).code, 0);
  const down = await cli(h, ['sync'], { ESCHER_SERVER_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 9, down.stderr);
  const clear = await cli(h, ['cache', 'clear']);
  assert.equal(clear.code, 0, clear.stderr);
  const st = JSON.parse((await cli(h, ['--json', 'status'])).stdout) as { tracked: number; queued: Array<{ playbook_id: string }> };
  assert.deepEqual([st.tracked, st.queued.map((q) => q.playbook_id)], [1, ['cli-keep']], 'the agreement and the queued edit are still there');
  const sync = JSON.parse((await cli(h, ['--json', 'sync'])).stdout) as { updated: string[]; conflicts: unknown[]; failed: unknown[] };
  assert.deepEqual([sync.updated, sync.conflicts, sync.failed], [['cli-keep'], [], []]);
  const listed = JSON.parse((await cli(h, ['--json', 'list'])).stdout) as Array<{ playbook_id: string }>;
  assert.deepEqual(listed.map((p) => p.playbook_id), ['cli-keep'], 'no conflict copy');
  const rec = await s.api.getRecord('cli-keep');
  assert.equal(rec?.versions[rec.latest_version!]?.metadata.description, 'edited offline');
});
