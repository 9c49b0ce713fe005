import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { verifyConnection } from '../../../src/core/escher-api/verify-connection';
import { freePort } from '../../e2e/harness/processes';
import { OTHER_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';

test('the right URL, tenant and token pass with exactly one request, and say which server version answered', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  s.server.resetRequests();
  const check = await verifyConnection({ serverUrl: `${s.url}/`, tenantId: ` ${TEST_TENANT} `, token: `${TEST_TOKEN}\n` });
  assert.deepEqual(check, { ok: true, serverUrl: s.url, tenantId: TEST_TENANT, serverVersion: '1.0.0' });
  assert.deepEqual(
    (await s.requestsAtLeast(1)).map((r) => `${r.method} ${r.path} ${r.status}`),
    ['GET /api/session 200'],
  );
});

test('each wrong input is named: a rejected token, a token of another tenant, a tenant that does not exist', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const wrongToken = await verifyConnection({ serverUrl: s.url, tenantId: TEST_TENANT, token: 'not-the-token' });
  assert.deepEqual(wrongToken.ok ? undefined : [wrongToken.field, wrongToken.reason], ['token', 'token-rejected']);
  const otherTenant = await verifyConnection({ serverUrl: s.url, tenantId: TEST_TENANT, token: OTHER_TOKEN });
  assert.deepEqual(otherTenant.ok ? undefined : [otherTenant.field, otherTenant.reason], ['tenantId', 'tenant-mismatch']);
  const noSuchTenant = await verifyConnection({ serverUrl: s.url, tenantId: 'nobody', token: TEST_TOKEN });
  assert.deepEqual(noSuchTenant.ok ? undefined : [noSuchTenant.field, noSuchTenant.reason], ['tenantId', 'tenant-mismatch']);
  // The detail names the tenant asked for, never a token.
  assert.match(noSuchTenant.ok ? '' : noSuchTenant.detail, /tenant "nobody"/);
  assert.doesNotMatch(JSON.stringify([wrongToken, otherTenant, noSuchTenant]), new RegExp(`${TEST_TOKEN}|${OTHER_TOKEN}|not-the-token`));
});

test('inputs that cannot work are refused before any request: plain http off this machine, a bad URL, a bad tenant, no token', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  s.server.resetRequests();
  const cases = [
    [{ serverUrl: 'http://escher.example.com', tenantId: 'acme', token: 't' }, 'serverUrl', 'https-required'],
    [{ serverUrl: 'escher.example.com', tenantId: 'acme', token: 't' }, 'serverUrl', 'invalid-server-url'],
    [{ serverUrl: 'https://user:pw@escher.example.com', tenantId: 'acme', token: 't' }, 'serverUrl', 'credentials-in-url'],
    [{ serverUrl: s.url, tenantId: 'Acme Corp', token: TEST_TOKEN }, 'tenantId', 'invalid-tenant'],
    [{ serverUrl: s.url, tenantId: 'acme', token: '   ' }, 'token', 'token-missing'],
    [{ serverUrl: s.url, tenantId: 'acme', token: 'two words' }, 'token', 'token-missing'],
  ] as const;
  for (const [input, field, reason] of cases) {
    const check = await verifyConnection(input);
    assert.deepEqual(check.ok ? undefined : [check.field, check.reason], [field, reason], JSON.stringify(input));
  }
  assert.deepEqual(s.server.requests(), [], 'none of them reached the server');
});

test('a server that is not there, fails, times out or is not an Escher server: the URL is at fault, each with its reason', async (t) => {
  const port = await freePort();
  const refused = await verifyConnection({ serverUrl: `http://127.0.0.1:${port}`, tenantId: 'acme', token: 't' });
  assert.deepEqual(refused.ok ? undefined : [refused.field, refused.reason], ['serverUrl', 'server-unreachable']);

  const s = await startTestServer();
  t.after(() => s.close());
  s.setFault('status500', { count: 1, match: '/api/session' });
  const failing = await verifyConnection({ serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  assert.deepEqual(failing.ok ? undefined : [failing.field, failing.reason], ['serverUrl', 'server-error']);
  s.setFault('garbage', { count: 1, match: '/api/session' });
  const garbage = await verifyConnection({ serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  assert.deepEqual(garbage.ok ? undefined : [garbage.field, garbage.reason], ['serverUrl', 'not-escher-server']);
  // Over fifteen times what the client waits: its timeout, not the server, ends the call.
  s.setFault('slow', { count: 1, seconds: 5, match: '/api/session' });
  const slow = await verifyConnection({ serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN }, { timeoutMs: 300 });
  assert.deepEqual(slow.ok ? undefined : [slow.field, slow.reason], ['serverUrl', 'server-timeout']);

  // Some other web server on that URL: a 404 page, or a redirect to a login page.
  const other = http.createServer((req, res) => {
    if (req.url?.startsWith('/moved')) res.writeHead(302, { location: 'https://example.com/' }).end();
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => other.close(() => r())));
  const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const notEscher = await verifyConnection({ serverUrl: base, tenantId: 'acme', token: 't' });
  assert.deepEqual(notEscher.ok ? undefined : [notEscher.field, notEscher.reason], ['serverUrl', 'not-escher-server']);
  const redirected = await verifyConnection({ serverUrl: `${base}/moved`, tenantId: 'acme', token: 't' });
  assert.deepEqual(redirected.ok ? undefined : [redirected.field, redirected.reason], ['serverUrl', 'server-redirect']);
});
