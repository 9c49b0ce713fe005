import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { mock, test } from 'node:test';
import type { CliResult } from '../helpers/cli';
import { runMain } from '../helpers/cli-main';
import { tempDir } from '../helpers/temp-dir';

/** What the file system refuses (full disk, a folder in the way) is one line and exit 13, never a raw errno with exit 1. */
function cli(home: string, args: string[]): Promise<CliResult> {
  return runMain(args, { ESCHER_HOME: home });
}

test('a full disk while creating a playbook: one line naming the cause, exit 13, nothing half-written', async (t) => {
  const home = await tempDir(t);
  const script = path.join(home, 'stop.sh');
  await fs.writeFile(script, '#!/bin/sh\necho stop\n');
  assert.equal((await cli(home, ['create', '--name', 'Before', '--description', 'd'])).code, 0);
  // Node's own error for a write that finds the disk full (fs.promises.writeFile, as the store's version writer uses it).
  const enospc = mock.method(fs, 'writeFile', async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  });
  t.after(() => enospc.mock.restore());
  const r = await cli(home, ['create', '--name', 'Stop things', '--description', 'd', '--script', `shell=${script}`]);
  enospc.mock.restore();
  assert.ok(enospc.mock.callCount() > 0, 'the injected fault fired');
  assert.equal(r.code, 13, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(r.stderr.startsWith(`error: No space left on the device (ENOSPC) while writing ${path.join(home, 'playbooks', 'local', 'stop-things')} (free some space`), r.stderr);
  const list = await cli(home, ['--json', 'list']);
  assert.deepEqual((JSON.parse(list.stdout) as Array<{ playbook_id: string }>).map((p) => p.playbook_id), ['before'], 'the failed create left nothing, the earlier one is intact');
  assert.deepEqual((await fs.readdir(path.join(home, 'playbooks', 'local'))).filter((n) => n.startsWith('.')), [], 'no temp folder left behind');
});

test('a folder where the script cache index belongs: one line naming it, exit 13', async (t) => {
  const home = await tempDir(t);
  const index = path.join(home, 'cache', 'index-v1.log');
  await fs.mkdir(index, { recursive: true });
  for (const args of [['cache', 'stats'], ['cache', 'verify']]) {
    const r = await cli(home, args);
    assert.equal(r.code, 13, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(index), `names the path: ${r.stderr}`);
    assert.match(r.stderr, /is a folder, not a file/);
  }
  assert.ok((await fs.stat(index)).isDirectory(), 'the folder is not ours to remove: it is left alone');
});

test('any system error that reaches the top is mapped the same way (a rename that meets a full disk, during delete)', async (t) => {
  const home = await tempDir(t);
  assert.equal((await cli(home, ['create', '--name', 'Keep me', '--description', 'd'])).code, 0);
  const victim = path.join(home, 'playbooks', 'local', 'keep-me');
  const enospc = mock.method(fs, 'rename', async (from: string, to: string) => {
    throw Object.assign(new Error(`ENOSPC: no space left on device, rename '${from}' -> '${to}'`), { code: 'ENOSPC', errno: -28, syscall: 'rename', path: from, dest: to });
  });
  t.after(() => enospc.mock.restore());
  const r = await cli(home, ['delete', 'keep-me']);
  enospc.mock.restore();
  assert.ok(enospc.mock.callCount() > 0, 'the injected fault fired');
  assert.equal(r.code, 13, r.stderr);
  assert.equal(r.stderr, `error: No space left on the device (ENOSPC) while renaming ${victim} (free some space (\`escher-playbook cache evict\` or \`cache clear\` frees the script cache), then run the command again; what was already stored is unchanged)\n`);
  assert.equal((await cli(home, ['show', 'keep-me'])).code, 0, 'still there');
});
