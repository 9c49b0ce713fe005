import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { HttpEscherApi } from '../../src/core/escher-api/client';
import { ServerError } from '../../src/core/shared/errors';
import { ADMIN_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN } from '../helpers/dev-server';
import { ATTACKS, RAW_DANGER } from '../helpers/terminal-attacks';
import { makeMetadata, publishNew, raw, rehash } from './fixtures';

/**
 * The reference server refuses control characters in everything it stores for others to read
 * (metadata, reviewer edits, review comments), naming the code point without echoing it; and the
 * client refuses a server response that carries them (a server is as hostile as any input).
 */
async function setup(t: TestContext) {
  const s = await startTestServer();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-text-'));
  t.after(async () => {
    await s.close();
    await fs.rm(work, { recursive: true, force: true });
  });
  const { record } = await publishNew(s.api, work, 'rds-stop');
  return { s, revision: record.revision };
}

test('publish, PATCH and review refuse control characters, name the code point and never echo it', async (t) => {
  const { s, revision } = await setup(t);
  const md = rehash({ ...makeMetadata('evil', '1.0.0', {}), name: ATTACKS['OSC 52 clipboard write']! });
  const pub = await raw(s.url, 'POST', '/api/playbook/metadata/publish', { body: { metadata: md }, headers: { 'if-none-match': '*' } });
  assert.equal(pub.status, 422);
  assert.match(pub.text, /\/metadata\/name must be one line without control characters.*found U\+001B/);
  assert.doesNotMatch(pub.text, /\\u001b|\\u0007/, 'the refused text is not sent back');

  const patch = await raw(s.url, 'PATCH', '/api/playbooks/rds-stop/versions/1.0.0', { body: { description: ATTACKS['OSC 8 hyperlink'] }, headers: { 'if-match': `"${revision}"` } });
  assert.equal(patch.status, 400);
  assert.match(patch.text, /\/description must not contain control characters.*found U\+001B/);

  const review = await raw(s.url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { token: ADMIN_TOKEN, body: { status: 'rejected', comment: ATTACKS['C1 CSI (8-bit)'] } });
  assert.equal(review.status, 400);
  assert.match(review.text, /found U\+009B/);

  const fine = await raw(s.url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { token: ADMIN_TOKEN, body: { status: 'rejected', comment: 'Please:\n\t- pin the region' } });
  assert.equal(fine.status, 200, fine.text);
  assert.equal((await s.api.getRecord('rds-stop'))?.versions['1.0.0']?.review_comment, 'Please:\n\t- pin the region');
  assert.equal((await s.api.getRecord('evil')), null, 'nothing of the refused publish was stored');
});

test('the client refuses a record whose review comment or name carries control characters', async (t) => {
  const md = makeMetadata('rds-stop', '1.0.0', {});
  for (const [field, version] of [
    ['review_comment', { version: '1.0.0', metadata: md, review_status: 'rejected', review_comment: ATTACKS['OSC 52 clipboard write'], published_at: '2026-01-01T00:00:00.000Z', has_vector: false }],
    ['name', { version: '1.0.0', metadata: { ...md, name: ATTACKS['bidi override'] }, review_status: 'approved', published_at: '2026-01-01T00:00:00.000Z', has_vector: false }],
  ] as const) {
    const record = { playbook_id: 'rds-stop', revision: '1-a', seq: 1, deleted: false, latest_version: '1.0.0', versions: { '1.0.0': version }, updated_at: '2026-01-01T00:00:00.000Z' };
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', etag: '"1-a"' }).end(JSON.stringify(record)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => new Promise<void>((r) => server.close(() => r())));
    const api = new HttpEscherApi({ serverUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tenantId: TEST_TENANT, token: TEST_TOKEN, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    t.after(() => api.close());
    await assert.rejects(api.getRecord('rds-stop'), (e: unknown) => {
      assert.ok(e instanceof ServerError, `${field}: ${String(e)}`);
      assert.match(e.message, new RegExp(`${field}.*control characters`));
      assert.doesNotMatch(e.message, RAW_DANGER);
      return true;
    });
  }
});
