import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { sha256 } from '../../../src/core/shared/hash';
import { startTestServer, TEST_TOKEN } from '../../helpers/dev-server';
import { makeManager, tempDir, writeLibraryPlaybook } from './fixtures';

/** Concurrent resolves of one script download it once: across processes and inside one process. */

interface ChildResult {
  source: string;
  path: string;
  sha256: string;
}

function startChild(args: string[]): { ready: Promise<void>; go(): void; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'resolve-child.ts'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`child exited ${code}: ${err}`));
      else resolve(JSON.parse(out.split('\n')[1] ?? '') as ChildResult);
    });
  });
  return { ready, go: () => child.stdin.end('go\n'), done };
}

test('two processes resolving the same script at once: one download, the other waits and finds it cached', async (t) => {
  const lib = await tempDir(t, 'escher-lib-');
  const body = randomBytes(4 * 1024 * 1024);
  await writeLibraryPlaybook(lib, 'shared-job', '1.0.0', { 'python/job.py': body });
  const s = await startTestServer({ libraryDir: lib });
  t.after(() => s.close());
  // Slow blobs make the race window wide: the second process must be waiting on the lock.
  s.setFault('slow', { match: '/blob/', seconds: 0.5 });
  const home = await tempDir(t, 'escher-home-');
  const args = [home, s.url, 'shared-job', 'python', '1.0.0', TEST_TOKEN];
  const a = startChild(args);
  const b = startChild(args);
  await Promise.all([a.ready, b.ready]);
  a.go();
  b.go();
  const results = await Promise.all([a.done, b.done]);
  const blobs = s.server.requests().filter((r) => r.path.startsWith('/blob/'));
  assert.equal(blobs.length, 1, `the server saw ${blobs.length} blob downloads`);
  assert.deepEqual(results.map((r) => r.source).sort(), ['cache', 'download']);
  assert.equal(results[0]!.path, results[1]!.path);
  assert.equal(results[0]!.path, path.join(home, 'cache', 'scripts', 'shared-job-v1.0.0', 'python', 'job.py'));
  assert.equal(sha256(await fs.readFile(results[0]!.path)), sha256(body));
});

test('concurrent resolves inside one process share one download', async (t) => {
  const lib = await tempDir(t, 'escher-lib-');
  await writeLibraryPlaybook(lib, 'busy', '1.0.0', { 'shell/busy.sh': 'echo busy\n'.repeat(1000) });
  const s = await startTestServer({ libraryDir: lib });
  t.after(() => s.close());
  const { manager } = await makeManager(t, { api: s.api });
  const results = await Promise.all(Array.from({ length: 8 }, () => manager.resolveScript('busy', 'shell', '1.0.0')));
  assert.equal(new Set(results.map((r) => r.path)).size, 1);
  assert.equal(s.server.requests().filter((r) => r.path.startsWith('/blob/')).length, 1);
});
