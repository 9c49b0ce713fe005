import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { ADMIN_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** Review and sync state in `list` / `show`, as a user sees them: dist/cli.js against the reference server. */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

async function home(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-cli-review-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const env = (): Record<string, string> => ({ ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN });

async function cli(h: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(h, args, { env: env() });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** A reviewer acting on the server (the admin token reviews for the tenant it names). */
async function review(id: string, version: string, status: 'approved' | 'rejected', comment?: string): Promise<void> {
  const res = await fetch(`${s.url}/api/playbooks/${id}/versions/${version}/review`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-escher-tenant': TEST_TENANT, 'content-type': 'application/json' },
    body: JSON.stringify({ status, ...(comment ? { comment } : {}) }),
  });
  assert.equal(res.status, 200, await res.text());
}

interface Row {
  playbook_id: string;
  version: string;
  review_status: string | null;
  sync_state: string | null;
}
interface Shown {
  sync: { review_status: string | null; review_comment?: string; remote_version: string | null; sync_state: string } | null;
}

const row = (rows: Row[], id: string): Row => rows.find((r) => r.playbook_id === id) ?? assert.fail(`${id} not listed`);
const line = (stdout: string, id: string): string => stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? assert.fail(`${id} not in:\n${stdout}`);

test('publish --review shows pending; after a reviewer approves and a sync, list and show say approved', async (t) => {
  const h = await home(t);
  const script = path.join(h, 'stop.sh');
  await fs.writeFile(script, '#!/bin/sh\necho stop\n');
  await cli(h, ['create', '--id', 'rv-a', '--name', 'Stop A', '--description', 'stops a', '--script', `shell=${script}`]);
  await cli(h, ['create', '--id', 'rv-local', '--name', 'Local only', '--description', 'stays here']);

  // Never published: no review state, "-" in the table.
  let rows = json<Row[]>(await cli(h, ['--json', 'list']));
  assert.deepEqual([row(rows, 'rv-a').review_status, row(rows, 'rv-a').sync_state], [null, null]);
  assert.match(line((await cli(h, ['list'])).stdout, 'rv-a'), / local +- +other /);

  await cli(h, ['publish', 'rv-a', '--review']);
  rows = json<Row[]>(await cli(h, ['--json', 'list']));
  const published = row(rows, 'rv-a');
  assert.deepEqual([published.review_status, published.sync_state], ['pending', 'synced']);
  assert.deepEqual([row(rows, 'rv-local').review_status, row(rows, 'rv-local').sync_state], [null, null]);
  const table = (await cli(h, ['list'])).stdout;
  assert.match(table.split('\n')[0] ?? '', /^ID +VERSION +AREA +REVIEW +CLOUD/);
  assert.match(line(table, 'rv-a'), / synced +pending /);

  await review('rv-a', published.version, 'approved', 'looks safe');
  // The review is on the server only until a sync brings it down: list reads local state, no request.
  assert.equal(row(json<Row[]>(await cli(h, ['--json', 'list'])), 'rv-a').review_status, 'pending');
  await cli(h, ['sync']);
  const approved = row(json<Row[]>(await cli(h, ['--json', 'list'])), 'rv-a');
  assert.deepEqual([approved.review_status, approved.sync_state], ['approved', 'synced']);
  assert.match(line((await cli(h, ['list'])).stdout, 'rv-a'), / synced +approved /);
  const shown = json<Shown>(await cli(h, ['--json', 'show', 'rv-a']));
  assert.deepEqual(shown.sync, { review_status: 'approved', review_comment: 'looks safe', remote_version: published.version, sync_state: 'synced' });
  const text = (await cli(h, ['show', 'rv-a'])).stdout;
  assert.match(text, /review: +approved — looks safe/);
  assert.match(text, new RegExp(`sync: +v${published.version.replace(/\./g, '\\.')} on the server; no local changes`));
  assert.equal(json<Shown>(await cli(h, ['--json', 'show', 'rv-local'])).sync, null);
});

test('a local edit of a synced playbook shows as pending until the next sync sends it; a rejection shows with its comment', async (t) => {
  const h = await home(t);
  await cli(h, ['create', '--id', 'rv-b', '--name', 'Stop B', '--description', 'stops b']);
  await cli(h, ['publish', 'rv-b', '--trusted']);
  let r = row(json<Row[]>(await cli(h, ['--json', 'list'])), 'rv-b');
  assert.deepEqual([r.review_status, r.sync_state], ['approved', 'synced']);

  await cli(h, ['update', 'rv-b', '--description', 'stops b, politely']);
  r = row(json<Row[]>(await cli(h, ['--json', 'list'])), 'rv-b');
  assert.deepEqual([r.review_status, r.sync_state], ['approved', 'pending']);
  assert.match(line((await cli(h, ['list'])).stdout, 'rv-b'), / approved \(local changes\) /);
  assert.match((await cli(h, ['show', 'rv-b'])).stdout, /sync: .*local changes sent by the next sync/);

  await cli(h, ['sync']);
  r = row(json<Row[]>(await cli(h, ['--json', 'list'])), 'rv-b');
  assert.equal(r.sync_state, 'synced');
  await review('rv-b', r.version, 'rejected', 'too broad');
  await cli(h, ['sync']);
  const shown = json<Shown>(await cli(h, ['--json', 'show', 'rv-b']));
  assert.equal(shown.sync?.review_status, 'rejected');
  assert.equal(shown.sync?.review_comment, 'too broad');
  assert.match(line((await cli(h, ['list'])).stdout, 'rv-b'), / rejected /);
});
