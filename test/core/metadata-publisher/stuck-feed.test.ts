import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { ChangesPage } from '../../../src/core/escher-api/types';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput } from './harness';

/**
 * A proxy in front of the reference server that passes every request through, but rewrites the
 * changes feed's answer with `bend` (a server whose feed misbehaves); counts feed requests.
 */
async function bentFeed(t: TestContext, s: TestServer, bend: (page: ChangesPage, since: number) => ChangesPage): Promise<{ url: string; feedRequests: () => number }> {
  let feed = 0;
  const proxy = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length').map(([k, v]) => [k, String(v)]));
      const up = await fetch(`${s.url}${req.url ?? '/'}`, { method: req.method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
      let body = Buffer.from(await up.arrayBuffer());
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/changes' && up.status === 200) {
        feed++;
        body = Buffer.from(JSON.stringify(bend(JSON.parse(body.toString()) as ChangesPage, Number(url.searchParams.get('since') ?? 0))));
      }
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json', ...(up.headers.get('etag') ? { etag: up.headers.get('etag')! } : {}) });
      res.end(body);
    })().catch((e: unknown) => {
      res.writeHead(502);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => proxy.close(() => r())));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, feedRequests: () => feed };
}

test('a changes feed whose cursor does not advance is read once, reported, and left: no loop, and queued changes still go out', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const other = await makeHome(t, s);
  await other.store.createPlaybook(playbookInput('feed-other', { area: 'synced' }));
  await other.publisher.syncAllMetadata();
  // Says there is more, but its next page starts where this one did.
  const proxy = await bentFeed(t, s, (page, since) => ({ ...page, next: since, more: true }));
  const h = await makeHome(t, s, { api: s.client({ serverUrl: proxy.url }) });
  await h.store.createPlaybook(playbookInput('feed-mine', { area: 'synced' }));

  const r = await h.publisher.syncAllMetadata();
  assert.equal(proxy.feedRequests(), 1, 'one page read, not the same page over and over');
  assert.deepEqual(r.failed.map((f) => f.playbook_id), ['*']);
  assert.match(r.failed[0]!.error, /changes feed did not move past 0 \(it answered "more" with next=0\)/);
  assert.deepEqual(r.published, ['feed-mine'], 'the queued change still went out');
  const st = await h.publisher.status();
  assert.match(st.lastError?.message ?? '', /did not move past/);
  assert.equal(st.lastSyncAt, null, 'not recorded as a good sync');

  // A feed whose next goes backwards is the same fault.
  const back = await bentFeed(t, s, (page) => ({ ...page, next: 0, more: true }));
  const h2 = await makeHome(t, s, { api: s.client({ serverUrl: back.url }) });
  await h2.store.createPlaybook(playbookInput('feed-other', { area: 'synced' }));
  const r2 = await h2.publisher.syncAllMetadata();
  assert.ok(back.feedRequests() <= 2, `bounded (${back.feedRequests()} feed requests)`);
  assert.deepEqual(r2.failed.map((f) => f.playbook_id), ['*']);
});

test('a changes feed that never ends (more, forever, with a moving cursor) stops after a bounded number of pages and is reported', { timeout: 120_000 }, async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const proxy = await bentFeed(t, s, (_page, since) => ({ changes: [], next: since + 1, more: true }));
  const h = await makeHome(t, s, { api: s.client({ serverUrl: proxy.url }) });
  const r = await h.publisher.syncAllMetadata();
  assert.equal(proxy.feedRequests(), 1000);
  assert.deepEqual(r.failed.map((f) => f.playbook_id), ['*']);
  assert.match(r.failed[0]!.error, /did not end after 1000 pages/);
});
