import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

const mode = async (file: string) => ((await fs.stat(file)).mode & 0o777).toString(8);

test('every file of a stored version is read-only on disk: metadata.json and scripts 0444, plain shell scripts 0555; folders stay writable', async (t) => {
  const dir = path.join(await tempDir(t, 'escher-readonly-'), 'playbooks');
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets() });
  const input = {
    scripts: [
      { path: 'shell/stop.sh', content: 'echo stop\n' },
      { path: 'shell/secret.sh', content: 'echo s\n', sensitive: true },
      { path: 'terraform/main.tf', content: '{}\n' },
    ],
  };
  const [v1] = await store.createPlaybooks([{ name: 'Stop VMs', description: 'd', ...input }]);
  assert.ok(v1?.ok);
  const v2 = await store.updatePlaybook('stop-vms', { description: 'e' });
  for (const v of [v1.playbook, v2]) {
    assert.deepEqual(
      await Promise.all(['metadata.json', 'shell/stop.sh', 'shell/secret.sh', 'terraform/main.tf'].map((f) => mode(path.join(v.dir, f)))),
      ['444', '555', '444', '444'],
      `v${v.metadata.version}`,
    );
    assert.equal(await mode(v.dir), '755', 'the version folder stays writable, so it can be deleted and moved');
  }
});

// Root ignores file modes, so what an ordinary user meets is checked in a child running as one.
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : process.getuid ? {} : undefined;

test('as an ordinary user: writing to a stored file fails (EACCES); update, move, delete and doctor\'s re-seal still work', { skip: asUser === undefined ? 'needs POSIX users' : false }, async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-readonly-user-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.chmod(root, 0o777);
  const worker = path.join(__dirname, '..', '..', 'helpers', 'read-only-worker.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', worker, path.join(root, 'playbooks')], { ...asUser, cwd: path.join(__dirname, '..', '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), {
    appendScript: 'EACCES',
    writeMetadata: 'EACCES',
    openForWrite: 'EACCES',
    update: 'ok',
    moveToSynced: 'ok',
    moveBack: 'ok',
    deleteVersion: 'ok',
    doctorRepair: 'ok',
    readAfterRepair: 'ok',
    modeAfterRepair: '444',
    deletePlaybook: 'ok',
    left: 0,
  });
});
