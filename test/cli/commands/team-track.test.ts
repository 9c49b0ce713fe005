import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { teamHomes } from '../../helpers/team-homes';
import { AUTHOR_TOKEN, REVIEWER_TOKEN, startTestServer, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/**
 * Tracking a teammate's playbook (`pull`), on the reference server over loopback HTTP through the
 * built CLI: approved content becomes a synced playbook of the second home, sync keeps it current
 * when the author publishes a new approved version, pending content is refused without a reason,
 * and a sync with nothing to do stays within three requests, catalogs included.
 */
let s: TestServer;
let homeA: string;

before(async () => {
  s = await startTestServer();
  homeA = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-track-a-'));
});
after(async () => {
  await s.close();
  await fs.rm(homeA, { recursive: true, force: true });
});

const { home, envFor, ok } = teamHomes(() => s, 'escher-track-b-');

/** The author publishes `id` with `body` as its script, for review; the reviewer approves it when asked. */
async function publish(id: string, body: string, approve: boolean, first: boolean): Promise<string> {
  const script = path.join(homeA, `${id}.sh`);
  await fs.writeFile(script, body);
  if (first) await ok(homeA, AUTHOR_TOKEN, ['create', '--id', id, '--name', `Track ${id}`, '--description', 'tracked by a teammate', '--script', `shell=${script}`]);
  else await ok(homeA, AUTHOR_TOKEN, ['update', id, '--script', `shell=${script}`]);
  await ok(homeA, AUTHOR_TOKEN, ['publish', id, '--review']);
  const version = (await s.api.getRecord(id))?.latest_version ?? '';
  if (approve) await s.client({ token: REVIEWER_TOKEN }).review(id, version, 'approved', 'ok');
  return version;
}

test('pull: approved content becomes a synced playbook here; sync brings the next approved version', async (t) => {
  const v1 = await publish('track-me', '#!/bin/sh\necho one\n', true, true);
  const b = await home(t);
  const pulled = json<{ playbook_id: string; version: string; area: string; review_status: string }>(await ok(b, TEST_TOKEN, ['--json', 'pull', 'track-me']));
  assert.deepEqual([pulled.version, pulled.area, pulled.review_status], [v1, 'synced', 'approved']);
  const shown = json<{ area: string; metadata: { version: string } }>(await ok(b, TEST_TOKEN, ['--json', 'show', 'track-me']));
  assert.deepEqual([shown.area, shown.metadata.version], ['synced', v1]);
  const listed = json<Array<{ playbook_id: string; area: string; review_status: string }>>(await ok(b, TEST_TOKEN, ['--json', 'list'])).find((r) => r.playbook_id === 'track-me');
  assert.deepEqual([listed?.area, listed?.review_status], ['synced', 'approved']);
  assert.equal((await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'team'])).stdout.includes('"track-me"'), false, 'tracked: listed as its own, not as a team row');

  const v2 = await publish('track-me', '#!/bin/sh\necho two\n', true, false);
  assert.notEqual(v2, v1);
  const synced = json<{ pulled: string[] }>(await ok(b, TEST_TOKEN, ['--json', 'sync']));
  assert.deepEqual(synced.pulled, ['track-me']);
  const after2 = json<{ metadata: { version: string; scripts: Array<{ path: string }> } }>(await ok(b, TEST_TOKEN, ['--json', 'show', 'track-me']));
  assert.equal(after2.metadata.version, v2);
  const script = after2.metadata.scripts[0]?.path ?? '';
  assert.equal((await ok(b, TEST_TOKEN, ['show', 'track-me', '--script', script])).stdout, '#!/bin/sh\necho two\n');

  const again = await runCli(b, ['pull', 'track-me'], { env: envFor(TEST_TOKEN) });
  assert.equal(again.code, 4);
  assert.match(again.stderr, /is in your store already/);
});

test('pull refuses pending content without a reason (exit 12) and writes nothing; with a reason it is tracked and says so', async (t) => {
  await publish('track-pending', '#!/bin/sh\necho pending\n', false, true);
  const b = await home(t);
  const refused = await runCli(b, ['pull', 'track-pending'], { env: envFor(TEST_TOKEN) });
  assert.equal(refused.code, 12, refused.stderr);
  assert.match(refused.stderr, /"track-pending" .* is pending review/);
  assert.equal((await runCli(b, ['--json', 'list'], { env: envFor(TEST_TOKEN) })).stdout.includes('track-pending'), false, 'nothing written');
  const wrongVersion = await runCli(b, ['pull', 'track-pending', '--version', '9.9.9', '--allow-unreviewed', 'x'], { env: envFor(TEST_TOKEN) });
  assert.equal(wrongVersion.code, 2);
  assert.match(wrongVersion.stderr, /Tracking follows the team's latest version/);
  const unknown = await runCli(b, ['pull', 'never-published'], { env: envFor(TEST_TOKEN) });
  assert.equal(unknown.code, 3);
  const forced = json<{ review_status: string; allow_unreviewed: string }>(await ok(b, TEST_TOKEN, ['--json', 'pull', 'track-pending', '--allow-unreviewed', 'hotfix tonight']));
  assert.deepEqual([forced.review_status, forced.allow_unreviewed], ['pending', 'hotfix tonight']);
});

test('sync refreshes the team catalog and the library; with nothing to do it is at most 3 requests', async (t) => {
  const b = await home(t);
  await ok(b, TEST_TOKEN, ['sync']);
  assert.ok(await fs.stat(path.join(b, 'cache', 'metadata', 'team', 'state.json')), 'sync brought the team catalog');
  await publish('track-discovered', '#!/bin/sh\necho new\n', false, true);
  const discovered = json<{ catalogs: { team: { changed: number } } }>(await ok(b, TEST_TOKEN, ['--json', 'sync']));
  assert.ok(discovered.catalogs.team.changed >= 1);
  assert.ok(json<Array<{ playbook_id: string }>>(await ok(b, TEST_TOKEN, ['--json', 'list', '--source', 'team'])).some((r) => r.playbook_id === 'track-discovered'));

  await ok(b, TEST_TOKEN, ['sync']);
  s.server.resetRequests();
  const noop = json<{ requests: number; catalogs: { team: { requests: number }; library: { requests: number } } }>(await ok(b, TEST_TOKEN, ['--json', 'sync']));
  const seen = await s.requestsAtLeast(3);
  assert.ok(seen.length <= 3, `a no-op sync made ${seen.length} requests: ${seen.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')}`);
  assert.equal(noop.requests + noop.catalogs.team.requests + noop.catalogs.library.requests, seen.length, 'the report counts what the server saw');
});
