import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { teamHomes } from '../../helpers/team-homes';
import { startTestServer, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import { writeLibraryPlaybook } from '../../dev-server/fixtures';

/**
 * The Escher Library as a home sees it, on the reference server (`--library`) over loopback HTTP
 * through the built CLI: list --source library|all, show, clone, offline last-known listing.
 */
let s: TestServer;
let libDir: string;
const SCRIPT = '#!/bin/sh\naws rds stop-db-instance --db-instance-identifier "$1"\n';

before(async () => {
  libDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lib-'));
  await writeLibraryPlaybook(libDir, 'escher-aws-rds-stop', '1.0.0', { 'shell/stop.sh': SCRIPT }, { name: 'Stop RDS instances (library)', keywords: ['rds', 'stop'] });
  await writeLibraryPlaybook(libDir, 'escher-aws-rds-stop', '1.1.0', { 'shell/stop.sh': SCRIPT }, { name: 'Stop RDS instances (library)', keywords: ['rds', 'stop'] });
  await writeLibraryPlaybook(libDir, 'escher-aws-ec2-tag', '2.0.0', { 'shell/tag.sh': '#!/bin/sh\necho tag\n' }, { name: 'Tag EC2 instances', keywords: ['ec2', 'tags'] });
  s = await startTestServer({ libraryDir: libDir });
});
after(async () => {
  await s.close();
  await fs.rm(libDir, { recursive: true, force: true });
});

const team = teamHomes(() => s, 'escher-lib-home-');
const { home } = team;
const env = (): Record<string, string> => team.envFor(TEST_TOKEN);
const ok = (h: string, args: string[]) => team.ok(h, TEST_TOKEN, args);

interface Row {
  playbook_id: string;
  version: string;
  source: string;
  review_status: string;
  name: string;
}

test('list --source library shows each library playbook at its latest version, approved by definition; all has a library part', async (t) => {
  const b = await home(t);
  const rows = json<Row[]>(await ok(b, ['--json', 'list', '--source', 'library']));
  assert.deepEqual(
    rows.map((r) => [r.playbook_id, r.version, r.source, r.review_status]),
    [
      ['escher-aws-ec2-tag', '2.0.0', 'library', 'not_required'],
      ['escher-aws-rds-stop', '1.1.0', 'library', 'not_required'],
    ],
  );
  assert.match((await ok(b, ['list', '--source', 'library'])).stdout, /^escher-aws-rds-stop +1\.1\.0 +library +not_required +\d{4}-\d\d-\d\d +shell +Stop RDS instances \(library\)$/m);
  const all = json<{ local: unknown[]; team: unknown[]; library: Row[] }>(await ok(b, ['--json', 'list', '--source', 'all']));
  assert.equal(all.library.length, 2);
  assert.ok(await fs.stat(path.join(b, 'cache', 'metadata', 'library', 'listing.json')));
});

test('a refresh with nothing changed is one request answered 304; offline the last-known listing is shown with a warning', async (t) => {
  const b = await home(t);
  await ok(b, ['list', '--source', 'library']);
  const before = s.server.requests().filter((r) => r.path.startsWith('/api/library')).length;
  await ok(b, ['list', '--source', 'library']);
  const calls = (await s.requestsAtLeast(before + 1, (r) => r.path.startsWith('/api/library'))).slice(before);
  assert.deepEqual(calls.map((r) => r.status), [304]);

  s.setFault('status500', { match: '/api/library' });
  const offline = await runCli(b, ['--json', 'list', '--source', 'library'], { env: env() });
  s.clearFaults('status500');
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, /could not be reached.*library playbooks are shown as last fetched/);
  assert.equal(json<Row[]>(offline).length, 2);

  await fs.writeFile(path.join(b, 'cache', 'metadata', 'library', 'listing.json'), '{"format":"escher-library-catalog/1","server_url":"x","etag":null,"entries":[{"playbook_id":"\\u001b[2J"}]}');
  const fetchedAgain = json<Row[]>(await ok(b, ['--json', 'list', '--source', 'library']));
  assert.equal(fetchedAgain.length, 2, 'a damaged listing is dropped and fetched again');
});

test('show ID of a library playbook; clone copies it into a local playbook recording cloned_from source library', async (t) => {
  const b = await home(t);
  const shown = (await ok(b, ['show', 'escher-aws-rds-stop'])).stdout;
  assert.match(shown, /^Stop RDS instances \(library\)$/m);
  assert.match(shown, /source: +Escher Library — read-only, approved by definition/);
  assert.match(shown, /version: +1\.1\.0 +\(versions: 1\.0\.0, 1\.1\.0\)/);
  const j = json<{ source: string; review_status: string; metadata: { content_hash: string } }>(await ok(b, ['--json', 'show', 'escher-aws-rds-stop']));
  assert.deepEqual([j.source, j.review_status], ['library', 'not_required']);

  const cloned = json<{ playbook_id: string; area: string; cloned_from: Record<string, string>; review_status: string }>(await ok(b, ['--json', 'clone', 'escher-aws-rds-stop', '--as', 'my-rds-stop']));
  assert.deepEqual(cloned.cloned_from, { playbook_id: 'escher-aws-rds-stop', version: '1.1.0', content_hash: j.metadata.content_hash, source: 'library' });
  assert.equal(cloned.review_status, 'not_required');
  assert.equal((await ok(b, ['show', 'my-rds-stop', '--script', 'shell/stop.sh'])).stdout, SCRIPT);

  const old = await runCli(b, ['clone', 'escher-aws-rds-stop', '--version', '1.0.0', '--as', 'old'], { env: env() });
  assert.equal(old.code, 3);
  assert.match(old.stderr, /Only the latest version of a library playbook is cloned/);
  const nowhere = await runCli(b, ['show', 'no-such-playbook'], { env: env() });
  assert.equal(nowhere.code, 3);
  assert.match(nowhere.stderr, /neither in your store nor among your team's published playbooks nor in the Escher Library/);
});
