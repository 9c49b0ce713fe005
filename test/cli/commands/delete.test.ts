import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { CliResult } from '../../helpers/cli';
import { runMain } from '../../helpers/cli-main';
import { tempDir } from '../../helpers/temp-dir';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** `delete` of a playbook the tenant shares (main() in-process, real server on loopback). */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

function home(t: TestContext): Promise<string> {
  return tempDir(t, 'escher-cli-delete-');
}

function cli(h: string, args: string[]): Promise<CliResult> {
  return runMain(args, { ESCHER_HOME: h, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN });
}

async function published(h: string, id: string): Promise<void> {
  const script = path.join(h, `${id}.sh`);
  await fs.writeFile(script, `#!/bin/sh\necho ${id}\n`);
  assert.equal((await cli(h, ['create', '--id', id, '--name', `Play ${id}`, '--description', 'shared', '--script', `shell=${script}`])).code, 0);
  const pub = await cli(h, ['publish', id, '--trusted']);
  assert.equal(pub.code, 0, pub.stderr);
}

async function onServer(id: string): Promise<boolean> {
  const rec = await s.api.getRecord(id);
  return rec !== null && !rec.deleted;
}

test('delete of a published playbook refuses without a choice, naming the tenant; --everywhere deletes it for the tenant', async (t) => {
  const h = await home(t);
  await published(h, 'shared-one');
  const refused = await cli(h, ['delete', 'shared-one']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  assert.match(refused.stderr, /^error: "shared-one" is shared with tenant "acme": deleting it here deletes it for everyone in tenant "acme" at the next sync/);
  assert.match(refused.stderr, /--everywhere/);
  assert.match(refused.stderr, /--local/);
  assert.equal((await cli(h, ['show', 'shared-one'])).code, 0, 'nothing was deleted');
  // A version the server never had (the local_only v1.0.0 before publishing) needs no choice.
  assert.equal((await cli(h, ['delete', 'shared-one', '--version', '1.0.0'])).code, 0);
  const version = await cli(h, ['delete', 'shared-one', '--version', '1.0.1']);
  assert.equal(version.code, 2, 'the last version is the whole playbook, on the server too');

  const both = await cli(h, ['delete', 'shared-one', '--everywhere', '--local']);
  assert.equal(both.code, 2);
  const gone = await cli(h, ['delete', 'shared-one', '--everywhere']);
  assert.equal(gone.code, 0, gone.stderr);
  assert.equal(gone.stdout, 'deleted shared-one here; the next sync deletes it for everyone in tenant "acme"\n');
  assert.ok(await onServer('shared-one'), 'not before the sync');
  assert.equal((await cli(h, ['sync'])).code, 0);
  assert.equal(await onServer('shared-one'), false, 'deleted for the tenant by the sync');
});

test('delete --local stops tracking it here: no delete is sent, and later server changes do not bring it back', async (t) => {
  const a = await home(t);
  await published(a, 'shared-two');
  // A second machine with the same state (restored from a backup of this home).
  const b = await home(t);
  await fs.cp(a, b, { recursive: true });
  const local = await cli(a, ['delete', 'shared-two', '--local']);
  assert.equal(local.code, 0, local.stderr);
  assert.equal(local.stdout, 'removed shared-two from this machine; tenant "acme" keeps it, and sync here no longer follows it\n');
  assert.equal((await cli(a, ['show', 'shared-two'])).code, 3);
  assert.equal((await cli(a, ['sync'])).code, 0);
  assert.ok(await onServer('shared-two'), 'no delete was sent');
  // Someone else changes it on the server; this machine does not pull it back.
  assert.equal((await cli(b, ['update', 'shared-two', '--description', 'changed on B'])).code, 0);
  const pushed = await cli(b, ['sync']);
  assert.match(pushed.stdout, /1 updated/, pushed.stdout);
  const again = await cli(a, ['--json', 'sync']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual((JSON.parse(again.stdout) as { pulled: string[] }).pulled, []);
  assert.equal((await cli(a, ['show', 'shared-two'])).code, 3, 'not pulled back');
  const st = JSON.parse((await cli(a, ['--json', 'status'])).stdout) as { tracked: number; queued: unknown[] };
  assert.deepEqual([st.tracked, st.queued], [0, []]);
  // A playbook never published needs no choice, with or without --local.
  assert.equal((await cli(a, ['create', '--name', 'Mine only', '--description', 'd'])).code, 0);
  assert.equal((await cli(a, ['delete', 'mine-only'])).stdout, 'deleted mine-only\n');
});
