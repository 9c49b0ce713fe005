import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import { tempDir } from '../../helpers/temp-dir';

/** A stored version changed anyway (permission undone, file rewritten) is caught by list, status, run and publish. */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const env = (): Record<string, string> => ({ ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN });

async function twoPlaybooks(t: TestContext): Promise<{ h: string; changed: string }> {
  const h = await tempDir(t, 'escher-cli-modified-');
  const script = path.join(h, 'stop.sh');
  await fs.writeFile(script, 'echo stopping\n');
  for (const name of ['Stop VMs', 'Clean logs']) {
    const r = await runCli(h, ['create', '--name', name, '--description', 'd', '--script', `shell=${script}`]);
    assert.equal(r.code, 0, r.stderr);
  }
  // What another editor or a script does once the read-only mode is undone.
  const changed = path.join(h, 'playbooks', 'local', 'stop-vms', 'v1.0.0', 'shell', 'stop.sh');
  await fs.chmod(changed, 0o644);
  await fs.writeFile(changed, 'echo stopping; rm -rf /tmp/x\n');
  return { h, changed };
}

interface Row {
  playbook_id: string;
  modified_on_disk: string[];
}

test('list --verify and status show the changed version as modified on disk (text and JSON); the clean one is not', async (t) => {
  const { h, changed } = await twoPlaybooks(t);
  const rows = json<Row[]>(await runCli(h, ['--json', 'list', '--verify']));
  assert.deepEqual(rows.map((r) => [r.playbook_id, r.modified_on_disk]), [['clean-logs', []], ['stop-vms', ['shell/stop.sh']]]);
  assert.deepEqual(json<Row[]>(await runCli(h, ['--json', 'list'])).map((r) => r.modified_on_disk), [null, null], 'unchecked without --verify');
  const text = await runCli(h, ['list', '--verify']);
  assert.match(text.stdout, /stop-vms\s+1\.0\.0 \(modified on disk\)/);
  assert.doesNotMatch(text.stdout, /clean-logs\s+1\.0\.0 \(modified/);
  assert.match(text.stderr, /1 version\(s\) modified on disk/);

  const st = json<{ modified_on_disk: { playbook_id: string; version: string; files: { path: string; problem: string }[] }[] }>(await runCli(h, ['--json', 'status']));
  assert.deepEqual(st.modified_on_disk.map((v) => [v.playbook_id, v.version, v.files.map((f) => f.path)]), [['stop-vms', '1.0.0', ['shell/stop.sh']]]);
  assert.ok(st.modified_on_disk[0]!.files[0]!.problem.includes(changed), 'the problem names the file');
  const human = await runCli(h, ['status']);
  assert.match(human.stdout, /modified on disk: 1\n {2}stop-vms v1\.0\.0 \(local\): shell\/stop\.sh\n {4}versions are immutable/);

  // Put back as it was: nothing is reported any more.
  await fs.writeFile(changed, 'echo stopping\n');
  assert.deepEqual(json<Row[]>(await runCli(h, ['--json', 'list', '--verify'])).map((r) => r.modified_on_disk), [[], []]);
  assert.match((await runCli(h, ['status'])).stdout, /modified on disk: 0\n/);
});

test('run and publish refuse the changed version, naming the file and the way out; nothing reaches the server', async (t) => {
  const { h, changed } = await twoPlaybooks(t);
  const run = await runCli(h, ['run', 'stop-vms', '--dry-run']);
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, /shell\/stop\.sh was changed after it was stored/);
  assert.match(run.stderr, /escher-playbook draft ID` then `escher-playbook draft commit ID`/);

  const pub = await runCli(h, ['publish', 'stop-vms', '--review'], { env: env() });
  assert.equal(pub.code, 5, pub.stderr);
  assert.ok(pub.stderr.includes(`stop-vms v1.0.0 was modified on disk (${changed}): Script ${changed}`), pub.stderr);
  assert.match(pub.stderr, /escher-playbook draft commit ID/);
  const onServer = await fetch(`${s.url}/api/playbooks/stop-vms`, { headers: { authorization: `Bearer ${TEST_TOKEN}`, 'x-escher-tenant': TEST_TENANT } });
  assert.equal(onServer.status, 404, 'not published');
  assert.ok(await fs.stat(path.join(h, 'playbooks', 'local', 'stop-vms')), 'still local');
  // Restored, the same publish goes through (and the server has it: the check above could fail).
  await fs.writeFile(changed, 'echo stopping\n');
  assert.equal((await runCli(h, ['publish', 'stop-vms', '--review'], { env: env() })).code, 0);
  const published = await fetch(`${s.url}/api/playbooks/stop-vms`, { headers: { authorization: `Bearer ${TEST_TOKEN}`, 'x-escher-tenant': TEST_TENANT } });
  assert.equal(published.status, 200);
});
