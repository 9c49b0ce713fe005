import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { json, runCli, type CliResult } from '../../helpers/cli';
import { AUTHOR_TOKEN, REVIEWER_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/**
 * A second home of the same tenant discovers what a teammate published, on the reference server
 * over loopback HTTP, through the built CLI: list --source team|all, show, clone.
 */
let s: TestServer;
let homeA: string;
let okVersion: string;
const SCRIPT = '#!/bin/sh\necho "stopping $1"\n';

before(async () => {
  s = await startTestServer();
  homeA = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-disc-a-'));
  const script = path.join(homeA, 'stop.sh');
  await fs.writeFile(script, SCRIPT);
  for (const [id, name] of [
    ['disc-pending', 'Pending stop'],
    ['disc-ok', 'Approved stop'],
  ] as const) {
    await ok(homeA, AUTHOR_TOKEN, ['create', '--id', id, '--name', name, '--description', `${name}: stops the weekend fleet`, '--script', `shell=${script}`, '--cloud', 'aws']);
    await ok(homeA, AUTHOR_TOKEN, ['publish', id, '--review']);
  }
  okVersion = (await s.api.getRecord('disc-ok'))?.latest_version ?? '';
  await s.client({ token: REVIEWER_TOKEN }).review('disc-ok', okVersion, 'approved', 'fine');
});
after(async () => {
  await s.close();
  await fs.rm(homeA, { recursive: true, force: true });
});

async function home(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-disc-b-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const envFor = (token: string, url = s.url): Record<string, string> => ({ ESCHER_SERVER_URL: url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: token });

async function ok(h: string, token: string, args: string[]): Promise<CliResult> {
  const r = await runCli(h, args, { env: envFor(token) });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

interface TeamRow {
  playbook_id: string;
  version: string;
  source: string;
  review_status: string;
  name: string;
}

test('home B lists the team\'s playbooks with their review status; its own list stays local; all shows both', async (t) => {
  const b = await home(t);
  await ok(b, TEST_TOKEN, ['create', '--id', 'b-own', '--name', 'B own', '--description', 'mine']);
  assert.doesNotMatch((await ok(b, TEST_TOKEN, ['list'])).stdout, /disc-/);

  const rows = json<TeamRow[]>(await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'team']));
  const byId = new Map(rows.map((r) => [r.playbook_id, r]));
  assert.equal(byId.get('disc-ok')?.review_status, 'approved');
  assert.equal(byId.get('disc-pending')?.review_status, 'pending');
  assert.equal(byId.get('disc-ok')?.source, 'team');
  assert.equal(byId.has('b-own'), false);
  const text = (await ok(b, TEST_TOKEN, ['list', '--source', 'team'])).stdout;
  assert.match(text, /^ID +VERSION +SOURCE +REVIEW +UPDATED +FORMATS +NAME$/m);
  assert.match(text, /^disc-pending +\S+ +team +pending +\d{4}-\d\d-\d\d +shell +Pending stop$/m);

  const all = json<{ local: Array<{ playbook_id: string }>; team: TeamRow[] }>(await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'all']));
  assert.deepEqual(all.local.map((r) => r.playbook_id), ['b-own']);
  assert.ok(all.team.some((r) => r.playbook_id === 'disc-ok'));
  const bad = await runCli(b, ['list', '--source', 'team', '--area', 'local'], { env: envFor(TEST_TOKEN) });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--area filters your own store/);
});

test('show ID of a team playbook: metadata, review, and how to use it; an unknown id says where it looked', async (t) => {
  const b = await home(t);
  const shown = (await ok(b, TEST_TOKEN, ['show', 'disc-ok'])).stdout;
  assert.match(shown, /^Approved stop$/m);
  assert.match(shown, /source: +team — published \S+ by key-[0-9a-f]{16}/);
  assert.match(shown, /review: +approved by key-[0-9a-f]{16} at \S+ — fine/);
  assert.match(shown, /shell\/stop\.sh +\d+ B +sha256 [0-9a-f]{12}…/);
  assert.match(shown, /use it: escher-playbook clone disc-ok --version /);
  const j = json<{ source: string; review_status: string; metadata: { playbook_id: string } }>(await ok(b, TEST_TOKEN, ['--json', 'show', 'disc-pending']));
  assert.deepEqual([j.source, j.review_status, j.metadata.playbook_id], ['team', 'pending', 'disc-pending']);
  const missing = await runCli(b, ['show', 'disc-nowhere'], { env: envFor(TEST_TOKEN) });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /neither in your store nor among your team's published playbooks/);
});

test('clone: approved content becomes a local playbook recording cloned_from; pending needs a reason; ids are checked', async (t) => {
  const b = await home(t);
  const cloned = json<{ playbook_id: string; area: string; dir: string; cloned_from: Record<string, string> }>(await ok(b, TEST_TOKEN, ['--json', 'clone', 'disc-ok', '--as', 'my-stop']));
  assert.equal(cloned.playbook_id, 'my-stop');
  assert.equal(cloned.area, 'local');
  const record = await s.api.getRecord('disc-ok');
  assert.deepEqual(cloned.cloned_from, { playbook_id: 'disc-ok', version: okVersion, content_hash: record?.versions[okVersion]?.metadata.content_hash, source: 'tenant' });
  const mine = json<{ metadata: { cloned_from: unknown; storage_strategy: string; version: string } }>(await ok(b, TEST_TOKEN, ['--json', 'show', 'my-stop']));
  assert.deepEqual(mine.metadata.cloned_from, cloned.cloned_from);
  assert.equal(mine.metadata.storage_strategy, 'local_only');
  assert.equal((await ok(b, TEST_TOKEN, ['show', 'my-stop', '--script', 'shell/stop.sh'])).stdout, SCRIPT);

  const refused = await runCli(b, ['clone', 'disc-pending'], { env: envFor(TEST_TOKEN) });
  assert.equal(refused.code, 12);
  assert.match(refused.stderr, /"disc-pending" .* is pending review/);
  assert.equal((await runCli(b, ['show', 'disc-pending', '--json'], { env: envFor(TEST_TOKEN) })).code, 0, 'nothing local was created');
  const forced = json<{ review_status: string; allow_unreviewed: string }>(await ok(b, TEST_TOKEN, ['--json', 'clone', 'disc-pending', '--allow-unreviewed', 'to fix it myself']));
  assert.deepEqual([forced.review_status, forced.allow_unreviewed], ['pending', 'to fix it myself']);

  const again = await runCli(b, ['clone', 'disc-ok', '--as', 'my-stop'], { env: envFor(TEST_TOKEN) });
  assert.equal(again.code, 4);
  assert.match(again.stderr, /exists in your store/);
  const badId = await runCli(b, ['clone', 'disc-ok', '--as', '../../etc'], { env: envFor(TEST_TOKEN) });
  assert.equal(badId.code, 2);
});

test('offline, the last-known team catalog is shown with a warning; a deleted team playbook disappears; a damaged file is fetched again', async (t) => {
  const b = await home(t);
  await ok(b, TEST_TOKEN, ['list', '--source', 'team']);
  s.setFault('status500', { match: '/api/changes' });
  const offline = await runCli(b, ['--json', 'list', '--source', 'team'], { env: envFor(TEST_TOKEN) });
  s.clearFaults('status500');
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, /could not be reached.*shown as last fetched/);
  assert.ok(json<TeamRow[]>(offline).some((r) => r.playbook_id === 'disc-ok'), 'the last-known catalog');
  // Another server configured: the catalog on disk is not its, so nothing is shown from it.
  const elsewhere = await runCli(b, ['--json', 'list', '--source', 'team'], { env: envFor(TEST_TOKEN, 'http://127.0.0.1:9') });
  assert.deepEqual(json<TeamRow[]>(elsewhere), []);

  const recFile = path.join(b, 'cache', 'metadata', 'team', 'records', 'disc-ok.json');
  await fs.writeFile(recFile, '{"playbook_id":"disc-ok","versions":{"1.0.0":{"metadata":{"name":"\\u001b]52;c;AAAA\\u0007"}}}}');
  const afterDamage = json<TeamRow[]>(await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'team']));
  assert.equal(afterDamage.some((r) => r.name.includes('\u001b')), false, 'a damaged file is never shown');
  assert.ok(json<TeamRow[]>(await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'team'])).some((r) => r.playbook_id === 'disc-ok'), 'fetched again');

  await ok(homeA, AUTHOR_TOKEN, ['create', '--id', 'disc-gone', '--name', 'Gone soon', '--description', 'deleted later']);
  await ok(homeA, AUTHOR_TOKEN, ['publish', 'disc-gone', '--review']);
  assert.ok(json<TeamRow[]>(await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'team'])).some((r) => r.playbook_id === 'disc-gone'));
  const rec = await s.api.getRecord('disc-gone');
  await s.api.deletePlaybook('disc-gone', { ifMatch: rec?.revision ?? '' });
  assert.equal(json<TeamRow[]>(await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'team'])).some((r) => r.playbook_id === 'disc-gone'), false);
});

test('lock add pins approved content; lock verify passes, then fails after a change on the server; pending cannot be pinned', async (t) => {
  const b = await home(t);
  const repo = await home(t);
  const run = (args: string[]) => runCli(b, args, { env: envFor(TEST_TOKEN), cwd: repo });
  await ok(homeA, AUTHOR_TOKEN, ['create', '--id', 'disc-lock', '--name', 'Locked stop', '--description', 'pinned by a repo']);
  await ok(homeA, AUTHOR_TOKEN, ['publish', 'disc-lock', '--review']);
  const version = (await s.api.getRecord('disc-lock'))?.latest_version ?? '';
  const approved = await s.client({ token: REVIEWER_TOKEN }).review('disc-lock', version, 'approved');

  const pending = await run(['lock', 'add', 'disc-pending']);
  assert.equal(pending.code, 12);
  assert.match(pending.stderr, /only approved content is pinned/);
  const added = await run(['lock', 'add', 'disc-lock']);
  assert.equal(added.code, 0, added.stderr);
  const lock = JSON.parse(await fs.readFile(path.join(repo, 'escher.lock.json'), 'utf8')) as { format: string; playbooks: Record<string, { version: string; content_hash: string }> };
  assert.equal(lock.format, 'escher-lock/1');
  assert.deepEqual(Object.keys(lock.playbooks), ['disc-lock']);
  assert.equal(lock.playbooks['disc-lock']?.content_hash, approved.versions[version]?.metadata.content_hash);
  const verified = await run(['lock', 'verify']);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, new RegExp(`^ok disc-lock@${version.replace(/\./g, '\\.')}$`, 'm'));

  const patch = await fetch(`${s.url}/api/playbooks/disc-lock/versions/${version}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${AUTHOR_TOKEN}`, 'x-escher-tenant': TEST_TENANT, 'content-type': 'application/json', 'if-match': `"${approved.revision}"` },
    body: JSON.stringify({ name: 'Locked stop, renamed' }),
  });
  assert.equal(patch.status, 200);
  const failed = await run(['lock', 'verify']);
  assert.equal(failed.code, 5, failed.stderr);
  assert.match(failed.stderr, /1 of 1 pinned playbook\(s\) no longer match .*disc-lock@\S+ its content changed/);

  s.setFault('status500', { match: '/api/changes' });
  const offline = await run(['lock', 'verify']);
  s.clearFaults('status500');
  assert.equal(offline.code, 7);
  assert.match(offline.stderr, /the pins were not verified/);

  await fs.writeFile(path.join(repo, 'escher.lock.json'), '{"format":"escher-lock/1","playbooks":{"../x":{}}}');
  const broken = await run(['lock', 'verify']);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /is not a playbook id/);
});
