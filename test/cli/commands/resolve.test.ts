import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { main } from '../../../src/cli/main';
import { sha256 } from '../../../src/core/shared/hash';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import { tempDir, writeLibraryPlaybook } from '../../core/script-manager/fixtures';

/** `resolve` and `cache …` as a user runs them (main() in-process, real server on loopback). */
let s: TestServer;
let lib: string;
const BODY = '#!/bin/sh\necho "stopping"\n';

before(async () => {
  lib = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lib-'));
  await writeLibraryPlaybook(lib, 'rds-stop', '1.0.0', { 'shell/stop.sh': BODY });
  s = await startTestServer({ libraryDir: lib });
});
after(async () => {
  await s.close();
  await fs.rm(lib, { recursive: true, force: true });
});

async function cli(_t: TestContext, home: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const streams = { stdout: { write: (x: string | Uint8Array) => (stdout += x.toString()) }, stderr: { write: (x: string) => (stderr += x) } };
  const code = await main(args, streams, { ESCHER_HOME: home, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN, ...env });
  return { code, stdout, stderr };
}

test('resolve prints the absolute path alone; --json adds source, sha256 and size', async (t) => {
  const home = await tempDir(t, 'escher-home-');
  const first = await cli(t, home, ['resolve', 'rds-stop', '--format', 'shell']);
  assert.equal(first.code, 0, first.stderr);
  const expected = path.join(home, 'cache', 'scripts', 'rds-stop-v1.0.0', 'shell', 'stop.sh');
  assert.equal(first.stdout, expected + '\n');
  assert.equal(first.stderr, '', 'quiet on success');
  const json = await cli(t, home, ['--json', 'resolve', 'rds-stop', '--format', 'shell', '--version', '1.0.0']);
  const r = JSON.parse(json.stdout) as { path: string; source: string; sha256: string; size: number };
  assert.deepEqual({ path: r.path, source: r.source, sha256: r.sha256, size: r.size }, { path: expected, source: 'cache', sha256: sha256(BODY), size: BODY.length });
});

test('cache stats | verify | evict | clear', async (t) => {
  const home = await tempDir(t, 'escher-home-');
  assert.equal((await cli(t, home, ['resolve', 'rds-stop', '--format', 'shell', '--version', '1.0.0'])).code, 0);
  const stats = JSON.parse((await cli(t, home, ['--json', 'cache', 'stats'])).stdout) as { entries: number; totalBytes: number; maxBytes: number };
  assert.deepEqual([stats.entries, stats.totalBytes, stats.maxBytes], [1, BODY.length, 500 * 1024 * 1024]);
  await fs.writeFile(path.join(home, 'cache', 'scripts', 'rds-stop-v1.0.0', 'shell', 'stop.sh'), BODY.replace('stopping', 'STOPPING'));
  const verify = await cli(t, home, ['cache', 'verify']);
  assert.equal(verify.code, 0);
  assert.match(verify.stdout, /checked 1, ok 0, removed 1/);
  assert.match(verify.stdout, /rds-stop-v1.0.0\/shell\/stop.sh: content does not match its index entry/);
  assert.equal((await cli(t, home, ['resolve', 'rds-stop', '--format', 'shell', '--version', '1.0.0'])).code, 0, 'downloaded again');
  assert.deepEqual(JSON.parse((await cli(t, home, ['--json', 'cache', 'evict'])).stdout), { bytesFreed: 0 });
  assert.deepEqual(JSON.parse((await cli(t, home, ['--json', 'cache', 'clear'])).stdout), { bytesFreed: BODY.length });
  assert.equal(JSON.parse((await cli(t, home, ['--json', 'cache', 'stats'])).stdout).entries, 0);
});

test('failures are one line on stderr with the exit code of their kind', async (t) => {
  const home = await tempDir(t, 'escher-home-');
  const usage = await cli(t, home, ['resolve', 'rds-stop', '--format', 'bash']);
  assert.equal(usage.code, 2);
  const missing = await cli(t, home, ['resolve', 'no-such-playbook', '--format', 'shell']);
  assert.equal(missing.code, 3);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.match(missing.stderr, /^error: Playbook "no-such-playbook" is neither in your store nor on the server/);
  const noToken = await cli(t, home, ['resolve', 'rds-stop', '--format', 'shell'], { ESCHER_TOKEN: '' });
  assert.equal(noToken.code, 6);
  assert.match(noToken.stderr, /No Escher token configured \(run `escher-playbook login`, or set ESCHER_TOKEN\)/);
  s.setFault('foreign-url');
  t.after(() => s.clearFaults());
  const foreign = await cli(t, home, ['--json', 'resolve', 'rds-stop', '--format', 'shell', '--version', '1.0.0']);
  assert.equal(foreign.code, 7);
  const err = JSON.parse(foreign.stderr) as { error: { code: string; message: string } };
  assert.equal(err.error.code, 'UNSAFE_URL');
  assert.ok(!foreign.stderr.includes(TEST_TOKEN), 'the token never appears');
  assert.deepEqual(await fs.readdir(path.join(home, 'cache', 'scripts')).catch(() => []), []);
});

test('resolve --offline answers from the cache without connecting; what is not cached is a clear not-found', async (t) => {
  const home = await tempDir(t, 'escher-home-');
  assert.equal((await cli(t, home, ['resolve', 'rds-stop', '--format', 'shell'])).code, 0);
  // A server that accepts connections and never answers: offline must not even connect.
  let connections = 0;
  const hung = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    t.after(() => socket.destroy());
  });
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => hung.close(() => r())));
  const hungUrl = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
  const r = await cli(t, home, ['resolve', 'rds-stop', '--format', 'shell', '--offline'], { ESCHER_SERVER_URL: hungUrl });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, path.join(home, 'cache', 'scripts', 'rds-stop-v1.0.0', 'shell', 'stop.sh') + '\n');
  assert.equal(r.stderr, 'warning: offline: using the cached copy of rds-stop v1.0.0, not checked against the server (a newer version may exist)\n');
  const pinned = await cli(t, home, ['resolve', 'rds-stop', '--format', 'shell', '--version', '1.0.0', '--offline'], { ESCHER_SERVER_URL: hungUrl });
  assert.deepEqual([pinned.code, pinned.stderr], [0, ''], 'a pinned cached version needs no warning');
  const missing = await cli(t, home, ['resolve', 'other-one', '--format', 'shell', '--offline'], { ESCHER_SERVER_URL: hungUrl });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^error: Playbook "other-one" has no shell script in the script cache, and offline nothing is fetched \(run it once without --offline/);
  assert.equal(connections, 0, 'no connection was made');
});
