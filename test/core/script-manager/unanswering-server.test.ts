import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { NotFoundError } from '../../../src/core/shared/errors';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { makeManager, writeLibraryPlaybook } from './fixtures';

/**
 * A server that accepts connections and never answers (a hung proxy, a wedged process). With a
 * verified cached copy, resolve falls back to it after the freshness deadline instead of waiting
 * out every socket timeout and retry; --offline never connects. The deadline is made small here
 * so the test is quick; what is asserted is the outcome and that the cache was used, never a time.
 */
let s: TestServer;
let lib: string;
let hung: net.Server;
let hungUrl: string;
let connections = 0;
const sockets = new Set<net.Socket>();

before(async () => {
  lib = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lib-'));
  await writeLibraryPlaybook(lib, 'lib-hung', '1.0.0', { 'shell/run.sh': 'echo one\n' });
  s = await startTestServer({ libraryDir: lib });
  hung = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  hungUrl = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
});
after(async () => {
  for (const so of sockets) so.destroy();
  await new Promise<void>((r) => hung.close(() => r()));
  await s.close();
  await fs.rm(lib, { recursive: true, force: true });
});

/** A home whose cache holds lib-hung v1.0.0 (metadata and script), fetched from the real server. */
async function warmHome(t: TestContext, clock?: { now: () => number; setTimeout: () => { cancel(): void } }): Promise<string> {
  const warm = await makeManager(t, { api: s.api, ...(clock ? { clock } : {}) });
  const r = await warm.manager.resolveScript('lib-hung', 'shell');
  assert.equal(r.source, 'download');
  return warm.home;
}

test('the latest version asked of a server that never answers: the verified cached copy, flagged stale', { timeout: 60_000 }, async (t) => {
  const home = await warmHome(t);
  // The client's own defaults (30 s socket timeout, 3 retries): only the freshness deadline bounds the wait.
  const m = await makeManager(t, { api: s.client({ serverUrl: hungUrl, retry: undefined, timeoutMs: undefined }), home, freshnessDeadlineMs: 300 });
  const before = connections;
  const r = await m.manager.resolveScript('lib-hung', 'shell');
  assert.deepEqual([r.source, r.version, r.stale], ['cache', '1.0.0', true]);
  assert.equal(r.path, path.join(home, 'cache', 'scripts', 'lib-hung-v1.0.0', 'shell', 'run.sh'));
  assert.equal(await fs.readFile(r.path, 'utf8'), 'echo one\n');
  assert.ok(connections > before, 'the server was asked first');
});

test('an expired cached copy and a server that never answers: the copy, flagged stale', { timeout: 60_000 }, async (t) => {
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now, setTimeout: () => ({ cancel() {} }) };
  const home = await warmHome(t, clock);
  now += 30 * 24 * 3600_000;
  const m = await makeManager(t, { api: s.client({ serverUrl: hungUrl, retry: undefined, timeoutMs: undefined }), home, clock, freshnessDeadlineMs: 300 });
  const r = await m.manager.resolveScript('lib-hung', 'shell', '1.0.0');
  assert.deepEqual([r.source, r.stale], ['cache', true]);
  assert.equal(await fs.readFile(r.path, 'utf8'), 'echo one\n');
});

test('offline: the cached copy without a single connection; nothing cached is a clear not-found', { timeout: 60_000 }, async (t) => {
  const home = await warmHome(t);
  const m = await makeManager(t, { api: s.client({ serverUrl: hungUrl }), home });
  const before = connections;
  const latest = await m.manager.resolveScript('lib-hung', 'shell', undefined, { offline: true });
  assert.deepEqual([latest.source, latest.version, latest.stale], ['cache', '1.0.0', true], 'the newest cached version, which may not be the latest');
  const pinned = await m.manager.resolveScript('lib-hung', 'shell', '1.0.0', { offline: true });
  assert.deepEqual([pinned.source, pinned.stale], ['cache', false], 'a pinned version in the cache is as good as fresh');
  await assert.rejects(m.manager.resolveScript('not-cached', 'shell', undefined, { offline: true }), (e: unknown) => e instanceof NotFoundError && /offline nothing is fetched/.test(e.message) && e.hintCode === 'offline-not-cached');
  assert.equal(connections, before, 'no connection at all');
});
