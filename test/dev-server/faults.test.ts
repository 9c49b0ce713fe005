import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { AuthError, NetworkError, ServerError, UnsafeUrlError } from '../../src/core/shared/errors';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/dev-server';
import { publishNew, raw } from './fixtures';

/**
 * Each fault of the reference server, observed through the real client (HttpEscherApi): what the
 * caller sees is a typed error (or, for `corrupt`, bytes that do not hash to the ticket's sha256,
 * which the script manager turns into an IntegrityError).
 */
const SCRIPT = '#!/bin/sh\n' + 'echo "stopping the weekend fleet"\n'.repeat(200);

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<TestServer & { s3: string }> {
  const s = await startTestServer();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-faults-'));
  t.after(async () => {
    await s.close();
    await fs.rm(work, { recursive: true, force: true });
  });
  const { record } = await publishNew(s.api, work, 'rds-stop', '1.0.0', { 'shell/stop.sh': SCRIPT });
  s.server.resetRequests();
  return { ...s, s3: record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string };
}

async function drain(stream: NodeJS.ReadableStream): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of stream) {
    h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

test('corrupt: the body has the advertised length but not the advertised sha256', async (t) => {
  const s = await setup(t);
  s.setFault('corrupt');
  const ticket = await s.api.requestDownload(s.s3);
  const got = await drain((await s.api.fetchStream(ticket.url)).stream);
  assert.equal(got.size, ticket.size);
  assert.notEqual(got.sha256, ticket.sha256);
  s.clearFaults();
  assert.equal((await drain((await s.api.fetchStream(ticket.url)).stream)).sha256, ticket.sha256);
});

test('truncate: the stream fails with NetworkError instead of ending short and quietly', async (t) => {
  const s = await setup(t);
  s.setFault('truncate', { count: 1 });
  const ticket = await s.api.requestDownload(s.s3);
  const got = await s.api.fetchStream(ticket.url);
  assert.equal(got.size, ticket.size, 'the full length was advertised');
  await assert.rejects(drain(got.stream), (e: unknown) => e instanceof NetworkError && /closed after \d+ of \d+ bytes/.test(e.message));
  assert.equal((await drain((await s.api.fetchStream(ticket.url)).stream)).sha256, ticket.sha256, 'count=1: the next one is whole');
});

test('status500: idempotent calls retry through a transient failure and give up with ServerError on a lasting one', async (t) => {
  const s = await setup(t);
  s.setFault('status500', { count: 2 });
  assert.equal((await s.api.getRecord('rds-stop'))?.playbook_id, 'rds-stop');
  assert.deepEqual((await s.requestsAtLeast(3)).map((r) => r.status), [500, 500, 200]);
  s.server.resetRequests();
  s.setFault('status500');
  await assert.rejects(s.api.getChanges(0), (e: unknown) => e instanceof ServerError && e.status === 500 && e.serverCode === 'INJECTED_FAULT');
  assert.equal((await s.requestsAtLeast(4)).length, 4, '1 attempt + 3 retries');
});

test('status500 with match: only the matching paths fail', async (t) => {
  const s = await setup(t);
  s.setFault('status500', { match: '/api/changes' });
  assert.ok(await s.api.getRecord('rds-stop'));
  await assert.rejects(s.api.getChanges(0), ServerError);
});

test('slow: every call has a timeout; a transiently slow server is retried', async (t) => {
  const s = await setup(t);
  const impatient = s.client({ timeoutMs: 200, retry: { retries: 0 } });
  s.setFault('slow', { seconds: 1 });
  await assert.rejects(impatient.getRecord('rds-stop'), (e: unknown) => e instanceof NetworkError && /timed out/.test(e.message));
  s.setFault('slow', { seconds: 1, count: 1 });
  const patient = s.client({ timeoutMs: 200, retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 } });
  assert.ok(await patient.getRecord('rds-stop'));
});

test('expired-url: the blob answers 403 URL_EXPIRED (AuthError) and a fresh ticket works', async (t) => {
  const s = await setup(t);
  s.setFault('expired-url', { count: 1 });
  const stale = await s.api.requestDownload(s.s3);
  assert.ok(Date.parse(stale.expires_at) < Date.now());
  await assert.rejects(s.api.fetchStream(stale.url), (e: unknown) => e instanceof AuthError && e.serverCode === 'URL_EXPIRED' && /fresh/.test(e.hint ?? ''));
  const fresh = await s.api.requestDownload(s.s3);
  assert.equal((await drain((await s.api.fetchStream(fresh.url)).stream)).sha256, fresh.sha256);
});

test('foreign-url: a ticket pointing at another host is refused before any connection', async (t) => {
  const s = await setup(t);
  s.setFault('foreign-url');
  await assert.rejects(s.api.requestDownload(s.s3), (e: unknown) => e instanceof UnsafeUrlError && /127\.0\.0\.2/.test(e.message));
  const res = await raw(s.url, 'GET', `/api/script/download?s3_path=${encodeURIComponent(s.s3)}`);
  const url = (res.body as { url: string }).url;
  assert.match(url, /^http:\/\/127\.0\.0\.2:/);
  await assert.rejects(s.api.fetchStream(url), UnsafeUrlError);
  assert.ok(s.server.requests().every((r) => !r.path.startsWith('/blob/')), 'the blob was never requested');
});

test('garbage: invalid JSON is a clear ServerError, not a crash deep inside the caller', async (t) => {
  const s = await setup(t);
  s.setFault('garbage');
  for (const call of [() => s.api.getChanges(0), () => s.api.getRecord('rds-stop'), () => s.api.search('rds'), () => s.api.health()]) {
    await assert.rejects(call(), (e: unknown) => e instanceof ServerError && /invalid JSON/.test(e.message));
  }
  s.clearFaults('garbage');
  assert.ok(await s.api.health());
});

test('faults are set, listed and cleared at run time through the admin endpoint', async (t) => {
  const s = await setup(t);
  const admin = { token: ADMIN_TOKEN, tenant: null };
  assert.deepEqual((await raw(s.url, 'POST', '/api/admin/faults', { ...admin, body: { name: 'status500', count: 1, match: '/api/playbooks' } })).body, {
    faults: [{ name: 'status500', count: 1, match: '/api/playbooks' }],
  });
  await raw(s.url, 'POST', '/api/admin/faults', { ...admin, body: { name: 'slow', seconds: 0.05 } });
  assert.equal(((await raw(s.url, 'GET', '/api/admin/faults', admin)).body as { faults: unknown[] }).faults.length, 2);
  assert.equal((await raw(s.url, 'GET', '/api/playbooks/rds-stop')).status, 500);
  assert.equal((await raw(s.url, 'GET', '/api/playbooks/rds-stop')).status, 200, 'count=1 consumed');
  assert.deepEqual((await raw(s.url, 'DELETE', '/api/admin/faults', admin)).body, { faults: [] });
  // Tenant tokens cannot reach it.
  assert.equal((await raw(s.url, 'POST', '/api/admin/faults', { body: { name: 'status500' } })).status, 403);
});

test('blob downloads: a 500 before the body is retried, a stall mid-body is a NetworkError, a slow consumer is not', async (t) => {
  const s = await setup(t);
  s.setFault('status500', { count: 2, match: '/blob/' });
  const ticket = await s.api.requestDownload(s.s3);
  assert.equal((await drain((await s.api.fetchStream(ticket.url)).stream)).sha256, ticket.sha256);
  assert.deepEqual((await s.requestsAtLeast(3, (r) => r.path.startsWith('/blob/'))).map((r) => r.status), [500, 500, 200]);

  s.setFault('slow', { seconds: 1, match: '/blob/', count: 1 });
  const impatient = s.client({ timeoutMs: 200, retry: { retries: 0 } });
  await assert.rejects(impatient.fetchStream(ticket.url), (e: unknown) => e instanceof NetworkError && /timed out/.test(e.message));

  // Reading slower than the idle timeout is the consumer's business, not a stall.
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-faults-big-'));
  t.after(() => fs.rm(work, { recursive: true, force: true }));
  const big = randomBytes(2 * 1024 * 1024);
  const { record } = await publishNew(s.api, work, 'big-one', '1.0.0', { 'shell/big.sh': big });
  const bigTicket = await s.api.requestDownload(record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string);
  const got = await impatient.fetchStream(bigTicket.url);
  const h = createHash('sha256');
  let i = 0;
  for await (const c of got.stream) {
    h.update(c as Buffer);
    if (i++ < 3) await new Promise((r) => setTimeout(r, 300));
  }
  assert.equal(h.digest('hex'), bigTicket.sha256);
});
