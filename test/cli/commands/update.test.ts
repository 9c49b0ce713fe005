import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/temp-dir';

test('update with nothing to change writes nothing, says so and exits 0; --json prints the unchanged latest version', async (t) => {
  const h = await tempDir(t, 'escher-cli-update-');
  assert.equal((await runCli(h, ['create', '--name', 'Stop VMs', '--description', 'd', '--keywords', 'vm,cost'])).code, 0);
  const same = await runCli(h, ['update', 'stop-vms', '--description', 'd', '--keywords', 'vm,cost', '--bump', 'minor']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /nothing changed: stop-vms stays at v1\.0\.0 \(local\); no version written/);
  const asJson = json<{ version: string; description: string }>(await runCli(h, ['--json', 'update', 'stop-vms']));
  assert.deepEqual([asJson.version, asJson.description], ['1.0.0', 'd']);
  const listed = json<{ versions: string[] }[]>(await runCli(h, ['--json', 'list']));
  assert.deepEqual(listed.map((r) => r.versions), [['1.0.0']], 'no version was written');
  const changed = await runCli(h, ['update', 'stop-vms', '--description', 'e']);
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /updated stop-vms to v1\.0\.1/);
});
