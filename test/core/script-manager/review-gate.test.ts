import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ReviewRequiredError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { AUTHOR_TOKEN, REVIEWER_TOKEN, startTestServer, type TestServer } from '../../helpers/dev-server';
import { publishNew } from '../../dev-server/fixtures';
import { makeManager, tempDir } from './fixtures';

/**
 * The script manager's gate on team content: only content an approval covers is used; the last
 * known review stands in while the server is unreachable; a cache file claiming an approval that
 * covers other content counts as pending.
 */
let s: TestServer;
let work: string;
const BODY = '#!/bin/sh\necho team\n';

before(async () => {
  s = await startTestServer();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-gate-'));
  const author = s.client({ token: AUTHOR_TOKEN });
  await publishNew(author, work, 'gate-ok', '1.0.0', { 'shell/run.sh': BODY }, { storage_strategy: 'uploaded_for_review' });
  await publishNew(author, work, 'gate-pending', '1.0.0', { 'shell/run.sh': BODY }, { storage_strategy: 'uploaded_for_review' });
  await s.client({ token: REVIEWER_TOKEN }).review('gate-ok', '1.0.0', 'approved');
});
after(async () => {
  await s.close();
  await fs.rm(work, { recursive: true, force: true });
});

const dead = () => s.client({ serverUrl: 'http://127.0.0.1:9', retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });

test('approved team content resolves with its review; pending is refused, or used with a reason', async (t) => {
  const m = await makeManager(t, { api: s.api });
  const r = await m.manager.resolveScript('gate-ok', 'shell', '1.0.0');
  assert.deepEqual(r.review, { status: 'approved' });
  await assert.rejects(m.manager.resolveScript('gate-pending', 'shell'), (e: unknown) => e instanceof ReviewRequiredError && /"gate-pending" v1\.0\.0 is pending review/.test(e.message));
  const forced = await m.manager.resolveScript('gate-pending', 'shell', undefined, { allowUnreviewed: 'testing the gate' });
  assert.deepEqual(forced.review, { status: 'pending', overrideReason: 'testing the gate' });
  assert.equal(await fs.readFile(forced.path, 'utf8'), BODY);
});

test('offline, the last known review decides: approved still resolves, pending is still refused', async (t) => {
  const home = await tempDir(t);
  const online = await makeManager(t, { api: s.api, home });
  await online.manager.resolveScript('gate-ok', 'shell', '1.0.0');
  await online.manager.resolveScript('gate-pending', 'shell', '1.0.0', { allowUnreviewed: 'warm the cache' });
  const offline = await makeManager(t, { api: dead(), home });
  assert.equal((await offline.manager.resolveScript('gate-ok', 'shell', '1.0.0')).review?.status, 'approved');
  await assert.rejects(offline.manager.resolveScript('gate-pending', 'shell', '1.0.0'), ReviewRequiredError);
});

test('a cached "approved" whose decision covers other content, or none, is refused', async (t) => {
  const home = await tempDir(t);
  const online = await makeManager(t, { api: s.api, home });
  await online.manager.resolveScript('gate-ok', 'shell', '1.0.0');
  const file = path.join(home, 'cache', 'metadata', 'playbooks', 'gate-ok', '1.0.0.json');
  const cached = JSON.parse(await fs.readFile(file, 'utf8')) as { review: { scripts: Array<{ sha256: string }> } };
  for (const [what, edit] of [
    ['a decision for other script bytes', (c: typeof cached) => ({ ...c, review: { ...c.review, scripts: c.review.scripts.map((x) => ({ ...x, sha256: sha256('rm -rf /') })) } })],
    ['no decision at all', (c: typeof cached) => ({ ...c, review: undefined })],
  ] as const) {
    await fs.writeFile(file, JSON.stringify(edit(cached)));
    const offline = await makeManager(t, { api: dead(), home });
    await assert.rejects(
      offline.manager.resolveScript('gate-ok', 'shell', '1.0.0'),
      (e: unknown) => e instanceof ReviewRequiredError && /the server says approved, but no approval covers this exact content/.test(e.message),
      what,
    );
  }
  await fs.writeFile(file, JSON.stringify({ ...cached, review: { nonsense: true } }));
  const offline = await makeManager(t, { api: dead(), home });
  // A malformed decision makes the cache file invalid: it is dropped, and offline there is nothing to use.
  await assert.rejects(offline.manager.resolveScript('gate-ok', 'shell', '1.0.0'), (e: unknown) => !(e instanceof ReviewRequiredError));
});
