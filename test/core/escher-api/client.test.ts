import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliHint } from '../../../src/cli/hints';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { HttpEscherApi } from '../../../src/core/escher-api/client';
import { AuthError, ConfigError, NetworkError, ServerError, UnsafeUrlError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import type { Logger } from '../../../src/core/shared/logger';
import { makeMetadata, publishNew, uploadScripts } from '../../dev-server/fixtures';
import { startTestServer, TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';

async function withServer(t: { after(fn: () => Promise<void>): void }) {
  const s = await startTestServer();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-client-'));
  t.after(async () => {
    await s.close();
    await fs.rm(work, { recursive: true, force: true });
  });
  return { ...s, work };
}

/** A plain HTTP server answering every request with `handler`; counts requests. */
async function fakeServer(t: { after(fn: () => Promise<void>): void }, handler: http.RequestListener) {
  let count = 0;
  const srv = http.createServer((req, res) => {
    count++;
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => srv.close(() => r())));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, count: () => count };
}

const opts = { tenantId: TEST_TENANT, token: TEST_TOKEN, retry: { retries: 3, baseDelayMs: 2, maxDelayMs: 5 } };

test('plain http is refused for non-loopback hosts, before any request', () => {
  for (const url of ['http://escher.example.com', 'http://10.0.0.5:8080', 'http://192.168.1.2', 'http://127.0.0.1.nip.io', 'http://[::2]:80']) {
    assert.throws(() => new HttpEscherApi({ ...opts, serverUrl: url }), (e: unknown) => e instanceof UnsafeUrlError && /https/.test(e.hint ?? ''), url);
  }
  for (const url of ['ftp://127.0.0.1', 'not a url', 'https://user:pw@escher.example.com', 'https://escher.example.com/?x=1']) {
    assert.throws(() => new HttpEscherApi({ ...opts, serverUrl: url }), UnsafeUrlError, url);
  }
  for (const url of ['https://escher.example.com', 'https://escher.example.com/base/', 'http://127.0.0.1:1', 'http://127.9.9.9:1', 'http://localhost:1', 'http://[::1]:1']) {
    const api = new HttpEscherApi({ ...opts, serverUrl: url });
    assert.ok(!api.serverUrl.endsWith('/'));
    api.close();
  }
  assert.throws(() => new HttpEscherApi({ ...opts, token: '', serverUrl: 'https://escher.example.com' }), ConfigError);
});

test('a POST without an Idempotency-Key is sent exactly once, even when the server fails', async (t) => {
  const s = await withServer(t);
  await uploadScripts(s.api, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': 'echo\n' });
  const metadata = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': 'echo\n' });
  s.setFault('status500');
  s.server.resetRequests();
  await assert.rejects(s.api.publishMetadata({ metadata }, { ifNoneMatch: '*' }), (e: unknown) => e instanceof ServerError && e.status === 500);
  assert.equal((await s.requestsAtLeast(2, (r) => r.path === '/api/playbook/metadata/publish')).length, 1, 'waited for a second attempt: none came');
  await assert.rejects(s.api.deletePlaybook('rds-stop', { ifMatch: '*' }), ServerError);
  assert.equal((await s.requestsAtLeast(2, (r) => r.method === 'DELETE')).length, 1);

  // With a key, the same publish is retried through a transient failure and applied once.
  s.setFault('status500', { count: 2 });
  s.server.resetRequests();
  const record = await s.api.publishMetadata({ metadata }, { ifNoneMatch: '*', idempotencyKey: 'k-1' });
  assert.deepEqual((await s.requestsAtLeast(3)).map((r) => r.status), [500, 500, 200]);
  assert.equal(record.seq, 1);
});

test('a lost response retried with the same key is replayed, not applied twice', async (t) => {
  const s = await withServer(t);
  await uploadScripts(s.api, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': 'echo\n' });
  const metadata = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': 'echo\n' });
  // `garbage` on the first answer = the publish was applied but the client could not read the reply.
  s.setFault('garbage', { count: 1 });
  await assert.rejects(s.api.publishMetadata({ metadata }, { ifNoneMatch: '*', idempotencyKey: 'k-2' }), ServerError);
  const again = await s.api.publishMetadata({ metadata }, { ifNoneMatch: '*', idempotencyKey: 'k-2' });
  assert.equal(again.seq, 1);
  assert.equal((await s.api.getChanges(0)).changes.length, 1);
});

test('401 and 403 are AuthErrors with a hint, and are not retried', async (t) => {
  const s = await withServer(t);
  s.server.resetRequests();
  await assert.rejects(s.client({ token: 'wrong' }).getChanges(0), (e: unknown) => e instanceof AuthError && e.status === 401 && e.hintCode === 'token-rejected');
  await assert.rejects(s.client({ tenantId: 'globex' }).getChanges(0), (e: unknown) => e instanceof AuthError && e.status === 403 && e.hintCode === 'tenant-mismatch' && /tenant "globex"/.test(e.message));
  assert.equal((await s.requestsAtLeast(3)).length, 2);
});

test('a tenant the token does not belong to is named in the error; the token is not blamed', async (t) => {
  const s = await withServer(t);
  const err = await s.client({ tenantId: 'globex' }).getChanges(0).then(
    () => assert.fail('a token of another tenant was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AuthError && err.status === 403, String(err));
  assert.equal(err.tenant, 'globex');
  assert.match(err.message, /^changes feed: the server does not accept this token for tenant "globex" \(403\)/);
  assert.match(err.hint ?? '', /tenant "globex"/);
  assert.equal(err.hintCode, 'tenant-mismatch');
  assert.match(cliHint(err) ?? '', /ESCHER_TENANT_ID/, "the CLI's words name its variable");
  // A token the server does not know at all is the token's fault, and says so.
  const unknown = await s.client({ token: 'wrong' }).getChanges(0).catch((e: unknown) => e);
  assert.ok(unknown instanceof AuthError && unknown.status === 401 && unknown.tenant === undefined);
  assert.match(unknown.message, /rejected the token/);
  assert.match(cliHint(unknown) ?? '', /escher-playbook login\b/);
  assert.doesNotMatch(cliHint(unknown) ?? '', /auth login/, 'the command is `login`');
});

test('the token never appears in logs, error messages or error objects', async (t) => {
  const s = await withServer(t);
  const lines: string[] = [];
  const logger: Logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const secret = 'super-secret-token-value';
  const api = s.client({ token: secret, logger });
  s.setFault('status500');
  const errors: unknown[] = [];
  await api.getChanges(0).catch((e: unknown) => errors.push(e));
  s.setFault('slow', { seconds: 0.5 });
  await s.client({ token: secret, logger, timeoutMs: 100, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } }).getChanges(0).catch((e: unknown) => errors.push(e));
  s.clearFaults();
  await api.getChanges(0).catch((e: unknown) => errors.push(e));
  assert.equal(errors.length, 3);
  assert.ok(lines.length > 0, 'retries were logged');
  const everything = [...lines, ...errors.map((e) => inspect(e, { depth: 10, showHidden: true }))].join('\n');
  assert.ok(!everything.includes(secret), 'token leaked');
});

test('a response of the wrong shape or no JSON at all is a clear ServerError', async (t) => {
  const shapes: Record<string, string> = {
    '/api/health': '{"ok":"yes"}',
    '/api/changes': '{"changes":{"playbook_id":"x"},"next":0,"more":false}',
    '/api/playbooks/x': '<html>proxy error</html>',
  };
  const fake = await fakeServer(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(shapes[(req.url ?? '').split('?')[0] as string] ?? '{}');
  });
  const api = new HttpEscherApi({ ...opts, serverUrl: fake.url });
  t.after(() => api.close());
  await assert.rejects(api.health(), (e: unknown) => e instanceof ServerError && /invalid shape/.test(e.message) && /\/ok/.test(e.message));
  await assert.rejects(api.getChanges(0), (e: unknown) => e instanceof ServerError && /invalid shape/.test(e.message));
  await assert.rejects(api.getRecord('x'), (e: unknown) => e instanceof ServerError && /invalid JSON/.test(e.message));
});

test('a redirect is not followed (it could carry the token elsewhere)', async (t) => {
  const fake = await fakeServer(t, (_req, res) => {
    res.writeHead(302, { location: 'https://attacker.example/steal' });
    res.end();
  });
  const api = new HttpEscherApi({ ...opts, serverUrl: fake.url });
  t.after(() => api.close());
  await assert.rejects(api.getChanges(0), (e: unknown) => e instanceof ServerError && /redirect \(302\)/.test(e.message));
  assert.equal(fake.count(), 1);
});

test('an unreachable server is a NetworkError after the retries', async (t) => {
  const fake = await fakeServer(t, (_req, res) => res.end());
  const port = new URL(fake.url).port;
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  assert.notEqual(String(deadPort), port);
  const api = new HttpEscherApi({ ...opts, serverUrl: `http://127.0.0.1:${deadPort}` });
  t.after(() => api.close());
  await assert.rejects(api.health(), (e: unknown) => e instanceof NetworkError && /ECONNREFUSED/.test(e.message) && e.hintCode === 'server-unreachable');
});

test('fetchMetadata refuses metadata of another playbook than asked for', async (t) => {
  const s = await withServer(t);
  await publishNew(s.api, s.work, 'rds-stop');
  const body = JSON.stringify({ source: 'tenant', metadata: makeMetadata('other-one', '1.0.0', {}) });
  const fake = await fakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  const api = new HttpEscherApi({ ...opts, serverUrl: fake.url });
  t.after(() => api.close());
  await assert.rejects(api.fetchMetadata('rds-stop', '1.0.0'), (e: unknown) => e instanceof ServerError && /other-one/.test(e.message));
  assert.equal((await s.api.fetchMetadata('rds-stop', '1.0.0')).metadata.playbook_id, 'rds-stop');
});

test('a whole-call deadline bounds a server that trickles its answer forever', async (t) => {
  const fake = await fakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 50); // never idle long enough for the socket timeout
    res.on('close', () => clearInterval(timer));
  });
  const api = new HttpEscherApi({ ...opts, serverUrl: fake.url, timeoutMs: 1000, deadlineMs: 300, retry: { retries: 0 } });
  t.after(() => api.close());
  await assert.rejects(api.health(), (e: unknown) => e instanceof NetworkError && /timed out/.test(e.message));
});

test('an upload is retried with the file read afresh (content-addressed, so safe to repeat)', async (t) => {
  const s = await withServer(t);
  const file = path.join(s.work, 'stop.sh');
  await fs.writeFile(file, 'echo retried\n');
  s.setFault('status500', { count: 2, match: '/api/playbook/upload' });
  const up = await s.api.uploadScript({ playbookId: 'rds-stop', version: '1.0.0', path: 'shell/stop.sh', file, sha256: sha256('echo retried\n'), size: 13 });
  assert.equal(up.size, 13);
  assert.deepEqual((await s.requestsAtLeast(3)).map((r) => r.status), [500, 500, 200]);
});
