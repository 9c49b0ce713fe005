import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { startDevServer } from '../../src/dev-server/server';

test('a second server on the same data dir refuses to start; after close (or a crash) it may', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lock-'));
  t.after(() => fs.rm(dataDir, { recursive: true, force: true }));
  const tokens = { tok: 'acme' };
  const first = await startDevServer({ dataDir, tokens, durable: false });
  await assert.rejects(startDevServer({ dataDir, tokens, durable: false }), /in use by another dev-server \(pid \d+, this process\)/);
  await first.close();
  const second = await startDevServer({ dataDir, tokens, durable: false });
  await second.close();
  assert.deepEqual((await fs.readdir(dataDir)).filter((n) => n === 'server.pid'), [], 'released on close');

  // A pid file left by a process that no longer exists (a SIGKILLed server) is taken over.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  await fs.writeFile(path.join(dataDir, 'server.pid'), `${dead} leftover\n`);
  const third = await startDevServer({ dataDir, tokens, durable: false });
  await third.close();
});
