import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { json, runCli } from '../../helpers/cli';

/** `list --json` prints the catalog's summary text as is: it must still be exactly what is on disk. */
async function home(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-cli-list-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every timestamp 10 s into the past, so the catalog trusts its stamps (none is "racy"). */
async function ageTree(dir: string): Promise<void> {
  const past = new Date(Date.now() - 10_000);
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) await fs.utimes(path.join(e.parentPath ?? e.path, e.name), past, past);
  await fs.utimes(dir, past, past);
}

interface Row {
  playbook_id: string;
  version: string;
  area: string;
  name: string;
  versions: string[];
  review_status: null;
  sync_state: null;
}

test('list --json from a warm catalog: hand edits, new versions and deletes show up at once; --area filters', async (t) => {
  const h = await home(t);
  for (const name of ['Stop dev VMs', 'Rotate "quoted" keys', 'Snapshot RDS']) assert.equal((await runCli(h, ['create', '--name', name, '--description', 'd'])).code, 0);
  await ageTree(path.join(h, 'playbooks'));
  let rows = json<Row[]>(await runCli(h, ['--json', 'list']));
  assert.deepEqual(
    rows.map((r) => [r.playbook_id, r.name, r.review_status, r.sync_state]),
    [
      ['rotate-quoted-keys', 'Rotate "quoted" keys', null, null],
      ['snapshot-rds', 'Snapshot RDS', null, null],
      ['stop-dev-vms', 'Stop dev VMs', null, null],
    ],
  );
  // The catalog now trusts every stamp; a same-size in-place edit (new mtime) must still show.
  const file = path.join(h, 'playbooks', 'local', 'stop-dev-vms', 'v1.0.0', 'metadata.json');
  const text = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, text.replace('"Stop dev VMs"', '"Stop uat VMs"'));
  assert.equal(json<Row[]>(await runCli(h, ['--json', 'list'])).find((r) => r.playbook_id === 'stop-dev-vms')?.name, 'Stop uat VMs');

  assert.equal((await runCli(h, ['update', 'snapshot-rds', '--description', 'e'])).code, 0);
  assert.equal((await runCli(h, ['delete', 'rotate-quoted-keys'])).code, 0);
  rows = json<Row[]>(await runCli(h, ['--json', 'list']));
  assert.deepEqual(
    rows.map((r) => [r.playbook_id, r.version, r.versions]),
    [
      ['snapshot-rds', '1.0.1', ['1.0.0', '1.0.1']],
      ['stop-dev-vms', '1.0.0', ['1.0.0']],
    ],
  );
  assert.deepEqual(json<Row[]>(await runCli(h, ['--json', 'list', '--area', 'synced'])), []);
  assert.equal(json<Row[]>(await runCli(h, ['--json', 'list', '--area', 'local'])).length, 2);
});
