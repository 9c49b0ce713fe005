import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test, type TestContext } from 'node:test';
import { AuthError, IntegrityError, NetworkError, ServerError, TooLargeError, UnsafeUrlError, type EscherError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { listFiles, makeManager, tempDir, writeLibraryPlaybook, type ManagerSetup } from './fixtures';

/**
 * Every server fault against the REAL reference server over loopback. For each: the error a user
 * sees (type, message, hint), that nothing entered the cache, that no temp file is left, and that
 * what was already cached still verifies.
 */
const BODY = Buffer.from('#!/bin/sh\n# stop every RDS instance tagged weekend=off\n' + 'aws rds stop-db-instance --db-instance-identifier "$1"\n'.repeat(200));
const OTHER = Buffer.from('#!/bin/sh\necho already cached\n');

let s: TestServer;
let libDir: string;

before(async () => {
  libDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lib-'));
  await writeLibraryPlaybook(libDir, 'rds-stop', '1.0.0', { 'shell/stop.sh': BODY });
  await writeLibraryPlaybook(libDir, 'warm', '1.0.0', { 'shell/warm.sh': OTHER });
  await writeLibraryPlaybook(libDir, 'fresh', '2.0.0', { 'shell/fresh.sh': 'echo fresh\n' });
  s = await startTestServer({ libraryDir: libDir });
});

after(async () => {
  await s.close();
  await fs.rm(libDir, { recursive: true, force: true });
});

beforeEach(() => {
  s.clearFaults();
  s.server.resetRequests();
});

const blobRequests = () => s.server.requests().filter((r) => r.path.startsWith('/blob/')).length;
const ticketRequests = () => s.server.requests().filter((r) => r.path === '/api/script/download').length;

/** A manager whose cache already holds "warm" (so we can prove failures leave it intact). */
async function warmManager(t: TestContext, o: Parameters<typeof makeManager>[1] = {}): Promise<ManagerSetup> {
  const m = await makeManager(t, { api: s.api, ...o });
  const warm = await m.manager.resolveScript('warm', 'shell', '1.0.0');
  assert.equal(warm.source, 'download');
  s.server.resetRequests();
  return m;
}

/** After a failure: only "warm" is cached, it verifies, and no temp file is left. */
async function assertCacheUntouched(m: ManagerSetup): Promise<void> {
  const cacheDir = path.join(m.home, 'cache');
  assert.deepEqual(
    (await listFiles(path.join(cacheDir, 'scripts'))).sort(),
    ['warm-v1.0.0/shell/warm.sh'],
    'nothing new entered the cache',
  );
  assert.deepEqual(await listFiles(path.join(cacheDir, 'tmp')), [], 'temp files are cleaned up');
  const report = await m.manager.cache.verify();
  assert.equal(report.kept, 1);
  assert.deepEqual(report.removed, []);
  assert.equal(await fs.readFile(path.join(cacheDir, 'scripts', 'warm-v1.0.0', 'shell', 'warm.sh'), 'utf8'), OTHER.toString());
}

function expectError<T extends EscherError>(type: new (...a: never[]) => T, message: RegExp, hint?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint ?? '', hint);
    return true;
  };
}

test('no fault: downloaded once, verified, cached; the next resolve is a cache hit with no request', async (t) => {
  const m = await warmManager(t);
  const r = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(r.source, 'download');
  assert.equal(r.path, path.join(m.home, 'cache', 'scripts', 'rds-stop-v1.0.0', 'shell', 'stop.sh'));
  assert.equal(r.sha256, sha256(BODY));
  assert.deepEqual(await fs.readFile(r.path), BODY);
  assert.equal(blobRequests(), 1);
  s.server.resetRequests();
  const again = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(again.source, 'cache');
  assert.equal(again.path, r.path);
  assert.equal(s.server.requests().length, 0, 'a cache hit with a known version makes no request at all');
});

test('corrupt: bytes differ from the advertised sha256 -> IntegrityError, not retried, nothing cached', async (t) => {
  const m = await warmManager(t);
  s.setFault('corrupt', { match: '/blob/' });
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(IntegrityError, /does not match its SHA-256/, /nothing was cached/));
  assert.equal(blobRequests(), 1, 'a hash mismatch is the server copy being wrong: no retry');
  await assertCacheUntouched(m);
});

test('truncate: body cut short of Content-Length -> retried, then NetworkError; a one-off cut heals', async (t) => {
  const m = await warmManager(t);
  s.setFault('truncate', { match: '/blob/' });
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(NetworkError, /closed after|cut short/, /try again|retry/));
  // (The server's request log does not see a hijacked, cut response, so attempts are not counted here.)
  await assertCacheUntouched(m);

  s.clearFaults();
  s.setFault('truncate', { match: '/blob/', count: 1 });
  const r = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(r.source, 'download');
  assert.deepEqual(await fs.readFile(r.path), BODY);
});

test('status500 on the blob -> retried with backoff, then ServerError; on the ticket -> ServerError', async (t) => {
  const m = await warmManager(t);
  s.setFault('status500', { match: '/blob/' });
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(ServerError, /500/));
  assert.equal(blobRequests(), 4, 'fetchStream: first attempt + 3 retries');
  await assertCacheUntouched(m);

  s.clearFaults();
  s.setFault('status500', { match: '/api/script/download' });
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(ServerError, /500/));
  assert.equal(s.server.requests().filter((r) => r.path.startsWith('/blob/') && r.status === 200).length, 0);
  await assertCacheUntouched(m);
});

test('slow: a blob slower than the timeout -> NetworkError after retries; a one-off slow answer heals', async (t) => {
  const api = s.client({ timeoutMs: 300, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 } });
  const m = await warmManager(t, { api });
  s.setFault('slow', { match: '/blob/', seconds: 1 });
  const t0 = Date.now();
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(NetworkError, /timed out|timeout|no data|Could not|failed/i));
  assert.ok(Date.now() - t0 < 5000, 'the timeout, not the server, decides how long we wait');
  await assertCacheUntouched(m);

  s.clearFaults();
  s.setFault('slow', { match: '/blob/', seconds: 1, count: 1 });
  const r = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(r.source, 'download');
});

test('expired-url: one fresh ticket is fetched and the download succeeds; always expired -> AuthError', async (t) => {
  const m = await warmManager(t);
  s.setFault('expired-url', { count: 1 });
  const r = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(r.source, 'download');
  assert.equal(ticketRequests(), 2, 'the expired ticket, then one fresh one');
  assert.equal(blobRequests(), 2);

  const m2 = await warmManager(t);
  s.setFault('expired-url');
  await assert.rejects(m2.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(AuthError, /refused again after a fresh one/, /clock/));
  assert.equal(ticketRequests(), 2, 'exactly one refresh');
  await assertCacheUntouched(m2);
});

test('foreign-url: a ticket pointing at another host is refused before any connection', async (t) => {
  const m = await warmManager(t);
  s.setFault('foreign-url');
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(UnsafeUrlError, /not at the Escher server/, /refusing/));
  assert.equal(blobRequests(), 0);
  await assertCacheUntouched(m);
});

test('garbage: invalid JSON from the ticket or metadata endpoint -> ServerError, nothing cached', async (t) => {
  const m = await warmManager(t);
  s.setFault('garbage', { match: '/api/script/download' });
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), (e: unknown) => e instanceof ServerError);
  await assertCacheUntouched(m);

  s.clearFaults();
  s.setFault('garbage', { match: '/api/playbooks/' });
  await assert.rejects(m.manager.resolveScript('fresh', 'shell'), (e: unknown) => e instanceof ServerError);
  assert.deepEqual(await listFiles(path.join(m.home, 'cache', 'metadata', 'playbooks', 'fresh')), [], 'garbage metadata is not cached');
  await assertCacheUntouched(m);
});

test('a script larger than the whole cache is refused before its body is requested', async (t) => {
  const m = await warmManager(t, { cacheMaxSizeMb: 8000 / (1024 * 1024) }); // an 8000-byte cache
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), expectError(TooLargeError, /larger than the whole script cache/, /cache size limit/));
  assert.equal(blobRequests(), 0);
  await assertCacheUntouched(m);
});

test('a corrupted cache entry is evicted on the hit and downloaded again', async (t) => {
  const m = await warmManager(t);
  const first = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  const bytes = await fs.readFile(first.path);
  bytes[10] = bytes[10]! ^ 0xff;
  await fs.writeFile(first.path, bytes);
  s.server.resetRequests();
  const again = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(again.source, 'download');
  assert.equal(blobRequests(), 1);
  assert.deepEqual(await fs.readFile(again.path), BODY);
});

test('the server unreachable: an expired but verified copy is used and flagged stale; a fresh miss fails with NetworkError', async (t) => {
  const dir = await tempDir(t);
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now, setTimeout: () => ({ cancel() {} }) };
  const m = await makeManager(t, { api: s.api, home: dir, clock, cacheTtlDays: 7 });
  await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  now += 8 * 24 * 3600_000;
  const dead = s.client({ serverUrl: 'http://127.0.0.1:9', retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
  const offline = await makeManager(t, { api: dead, home: dir, clock, cacheTtlDays: 7 });
  const r = await offline.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(r.source, 'cache');
  assert.equal(r.stale, true);
  await assert.rejects(offline.manager.resolveScript('warm', 'shell', '1.0.0'), (e: unknown) => e instanceof NetworkError);
});
