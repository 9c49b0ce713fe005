import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { ADMIN_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import { toolBox } from '../../helpers/fake-tools';
import { tempDir } from '../../helpers/temp-dir';

/** The review gate as a user meets it: publish for review to the reference server, run, get a decision, sync, run. */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

test('run: a playbook pending review needs --allow-unreviewed (recorded, exit 12 without); after approval and a sync it runs', async (t) => {
  const root = await tempDir(t, 'escher-cli-gate-');
  const home = path.join(root, 'home');
  const tools = await toolBox(t);
  const env = { PATH: tools.path, TMPDIR: root, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN };
  const cli = (args: string[]) => runCli(home, args, { cwd: root, env });
  const script = path.join(root, 'stop.sh');
  await fs.writeFile(script, '#!/bin/sh\necho stopped\n');
  assert.equal((await cli(['create', '--id', 'gate', '--name', 'Gate', '--description', 'x', '--script', `shell=${script}`])).code, 0);
  assert.equal((await cli(['publish', 'gate', '--review'])).code, 0);

  const refused = await cli(['run', 'gate', '--yes']);
  assert.equal(refused.code, 12, refused.stderr);
  assert.match(refused.stderr, /review: pending — a real run needs --allow-unreviewed/);
  assert.match(refused.stderr, /error: gate is pending review on the server, so it does not run unreviewed \(if you must, give the reason: --allow-unreviewed "<why>"/);
  assert.equal(refused.stdout, '');

  const overridden = await cli(['run', 'gate', '--yes', '--allow-unreviewed', 'outage INC-42, reviewer on leave']);
  assert.equal(overridden.code, 0, overridden.stderr);
  assert.equal(overridden.stdout, 'stopped\n');
  const [listed] = json<Array<{ run_id: string }>>(await cli(['--json', 'runs', 'gate']));
  const rec = json<{ review: unknown }>(await cli(['--json', 'runs', 'show', listed!.run_id]));
  assert.deepEqual(rec.review, { status: 'pending', override_reason: 'outage INC-42, reviewer on leave' });

  const [pb] = json<Array<{ version: string }>>(await cli(['--json', 'list']));
  const res = await fetch(`${s.url}/api/playbooks/gate/versions/${pb!.version}/review`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-escher-tenant': TEST_TENANT, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'approved' }),
  });
  assert.equal(res.status, 200);
  assert.equal((await cli(['run', 'gate', '--yes'])).code, 12, 'the decision counts once a sync brought it down');
  assert.equal((await cli(['sync'])).code, 0);
  const approved = await cli(['run', 'gate', '--yes']);
  assert.equal(approved.code, 0, approved.stderr);
  assert.match(approved.stderr, /review: approved/);
});
