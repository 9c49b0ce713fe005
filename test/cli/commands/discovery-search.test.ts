import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { teamHomes } from '../../helpers/team-homes';
import { AUTHOR_TOKEN, REVIEWER_TOKEN, startTestServer, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import { writeLibraryPlaybook } from '../../dev-server/fixtures';

/**
 * Search across sources on the reference server over loopback HTTP, through the built CLI: a
 * second home finds a teammate's playbook with a team badge (and its review), library playbooks
 * with a library badge, offline on the last-known metadata; a deleted team playbook leaves the
 * results; `search --server` shows where each of the agent's references lives.
 */
let s: TestServer;
let homeA: string;
let libDir: string;

before(async () => {
  libDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-dsearch-lib-'));
  await writeLibraryPlaybook(libDir, 'escher-aws-snapshot-cleanup', '1.0.0', { 'shell/clean.sh': '#!/bin/sh\necho clean\n' }, { name: 'Delete old EBS snapshots', description: 'Removes EBS snapshots older than 30 days', keywords: ['ebs', 'snapshot', 'cleanup'], resource_types: ['ebs'] });
  s = await startTestServer({ libraryDir: libDir });
  homeA = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-dsearch-a-'));
  const script = path.join(homeA, 'rotate.sh');
  await fs.writeFile(script, '#!/bin/sh\necho rotate\n');
  await ok(homeA, AUTHOR_TOKEN, ['create', '--id', 'rotate-iam-keys', '--name', 'Rotate IAM access keys', '--description', 'Rotates the access keys of IAM users older than 90 days', '--keywords', 'iam,rotation', '--script', `shell=${script}`, '--cloud', 'aws']);
  await ok(homeA, AUTHOR_TOKEN, ['publish', 'rotate-iam-keys', '--review']);
  const v = (await s.api.getRecord('rotate-iam-keys'))?.latest_version ?? '';
  await s.client({ token: REVIEWER_TOKEN }).review('rotate-iam-keys', v, 'approved', 'ok');
});
after(async () => {
  await s.close();
  await fs.rm(homeA, { recursive: true, force: true });
  await fs.rm(libDir, { recursive: true, force: true });
});

const { home, envFor, ok } = teamHomes(() => s, 'escher-dsearch-b-');

interface Hit {
  source: string;
  playbook_id: string;
  version: string;
  area: string | null;
  review_status?: string;
}

test('one ranked list: a teammate\'s playbook with a team badge and its review, a library one with a library badge, own ones local', async (t) => {
  const b = await home(t);
  await ok(b, TEST_TOKEN, ['create', '--id', 'my-iam-audit', '--name', 'Audit IAM users', '--description', 'Lists IAM users without MFA', '--keywords', 'iam']);
  const hits = json<Hit[]>(await ok(b, TEST_TOKEN, ['--json', 'search', 'rotate iam access keys']));
  const team = hits.find((h) => h.playbook_id === 'rotate-iam-keys');
  assert.deepEqual([team?.source, team?.review_status, team?.area], ['team', 'approved', null]);
  assert.equal(hits[0]?.playbook_id, 'rotate-iam-keys', 'the best match comes first, whatever its source');
  assert.ok(hits.some((h) => h.playbook_id === 'my-iam-audit' && h.source === 'local' && h.area === 'local'));
  const text = (await ok(b, TEST_TOKEN, ['search', 'rotate iam access keys'])).stdout;
  assert.match(text, /^ 1\. Rotate IAM access keys {2}\(rotate-iam-keys v\S+, team · approved\)/m);

  const lib = json<Hit[]>(await ok(b, TEST_TOKEN, ['--json', 'search', 'old ebs snapshots', '--source', 'library']));
  assert.deepEqual(lib.map((h) => [h.playbook_id, h.source, h.review_status]), [['escher-aws-snapshot-cleanup', 'library', 'not_required']]);
  assert.match((await ok(b, TEST_TOKEN, ['search', 'ebs snapshots'])).stdout, /Delete old EBS snapshots {2}\(escher-aws-snapshot-cleanup v1\.0\.0, library\)/);
  const localOnly = json<Hit[]>(await ok(b, TEST_TOKEN, ['--json', 'search', 'rotate iam access keys', '--source', 'local']));
  assert.ok(localOnly.every((h) => h.source === 'local'));
  const teamOnly = json<Hit[]>(await ok(b, TEST_TOKEN, ['--json', 'search', 'iam', '--source', 'team']));
  assert.ok(teamOnly.length > 0 && teamOnly.every((h) => h.source === 'team'));
});

test('offline, team search answers from the last-known metadata with a warning; a deleted team playbook leaves the results', async (t) => {
  const b = await home(t);
  await ok(homeA, AUTHOR_TOKEN, ['create', '--id', 'drain-ecs-tasks', '--name', 'Drain ECS container instances', '--description', 'Drains ECS tasks before patching']);
  await ok(homeA, AUTHOR_TOKEN, ['publish', 'drain-ecs-tasks', '--review']);
  assert.ok(json<Hit[]>(await ok(b, TEST_TOKEN, ['--json', 'search', 'drain ecs'])).some((h) => h.playbook_id === 'drain-ecs-tasks' && h.review_status === 'pending'));

  const offline = await runCli(b, ['--json', 'search', 'drain ecs'], { env: { ...envFor(TEST_TOKEN), ESCHER_SERVER_URL: s.url.replace(/:\d+$/, ':9') } });
  assert.equal(offline.code, 0, offline.stderr);
  // Another server URL: its catalog is not this one, so nothing of this team is shown.
  assert.equal(json<Hit[]>(offline).some((h) => h.source === 'team'), false);
  s.setFault('status500', { match: '/api/' });
  const down = await runCli(b, ['--json', 'search', 'drain ecs'], { env: envFor(TEST_TOKEN) });
  s.clearFaults('status500');
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /could not be reached.*searched as last fetched/);
  assert.ok(json<Hit[]>(down).some((h) => h.playbook_id === 'drain-ecs-tasks'), 'last-known team metadata');

  const rec = await s.api.getRecord('drain-ecs-tasks');
  await s.api.deletePlaybook('drain-ecs-tasks', { ifMatch: rec?.revision ?? '' });
  assert.equal(json<Hit[]>(await ok(b, TEST_TOKEN, ['--json', 'search', 'drain ecs'])).some((h) => h.playbook_id === 'drain-ecs-tasks'), false);
});

interface Located {
  playbook_id: string;
  version: string;
  source: string;
  location: string;
  review_status?: string;
  dir?: string;
}

test('search --server: the agent\'s references, each with where it lives here (local, cache, remote)', async (t) => {
  const b = await home(t);
  const before = json<Located[]>(await ok(b, TEST_TOKEN, ['--json', 'search', '--server', 'rotate iam keys']));
  const ref = before.find((r) => r.playbook_id === 'rotate-iam-keys');
  assert.deepEqual([ref?.source, ref?.location], ['tenant', 'remote']);
  const libRef = json<Located[]>(await ok(b, TEST_TOKEN, ['--json', 'search', '--server', 'ebs snapshots'])).find((r) => r.playbook_id === 'escher-aws-snapshot-cleanup');
  assert.deepEqual([libRef?.source, libRef?.location], ['library', 'remote']);

  await ok(b, TEST_TOKEN, ['resolve', 'rotate-iam-keys', '--format', 'shell']);
  const cached = json<Located[]>(await ok(b, TEST_TOKEN, ['--json', 'search', '--server', 'rotate iam keys'])).find((r) => r.playbook_id === 'rotate-iam-keys');
  assert.deepEqual([cached?.location, cached?.review_status], ['cache', 'approved']);

  // The author's own home has it in its store: synced (it was published from there).
  const mine = json<Located[]>(await ok(homeA, AUTHOR_TOKEN, ['--json', 'search', '--server', 'rotate iam keys'])).find((r) => r.playbook_id === 'rotate-iam-keys');
  assert.ok(mine?.location === 'local' || mine?.location === 'synced', `location ${mine?.location}`);
  assert.ok(mine?.dir?.startsWith(homeA));
  const text = (await ok(b, TEST_TOKEN, ['search', '--server', 'rotate iam keys'])).stdout;
  assert.match(text, /^# +SOURCE +HERE +REVIEW +ID +VERSION +NAME$/m);
  assert.match(text, /^1 +team +cache +approved +rotate-iam-keys +\S+ +Rotate IAM access keys$/m);
  const none = await runCli(b, ['search', '--server', 'x'], { env: { ESCHER_HOME: b } });
  assert.notEqual(none.code, 0);
});
