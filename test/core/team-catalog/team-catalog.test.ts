import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { ChangesPage, EscherApi, PlaybookRecord } from '../../../src/core/escher-api/types';
import { TeamCatalog } from '../../../src/core/team-catalog/team-catalog';
import { makeMetadata, publishNew } from '../../dev-server/fixtures';
import { startTestServer } from '../../helpers/dev-server';

/**
 * The team catalog keeps only records that hold together, whatever the feed sends: a server (or a
 * proxy) is not trusted to keep versions, ids and script paths consistent. The feed here is a
 * plain function (the HTTP client's own schema checks are tested against the real server).
 */
function record(id: string, seq: number, over: (r: PlaybookRecord) => void = () => {}): PlaybookRecord {
  const metadata = makeMetadata(id, '1.0.0', { 'shell/run.sh': 'echo run\n' });
  const r: PlaybookRecord = {
    playbook_id: id,
    revision: `${seq}-abc`,
    seq,
    deleted: false,
    latest_version: '1.0.0',
    versions: { '1.0.0': { version: '1.0.0', metadata, review_status: 'pending', published_at: '2026-01-01T00:00:00.000Z', has_vector: false } },
    updated_at: '2026-01-01T00:00:00.000Z',
  };
  over(r);
  return r;
}

async function catalogOver(t: TestContext, pages: ChangesPage[]): Promise<{ catalog: TeamCatalog; calls: number[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-team-catalog-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const calls: number[] = [];
  const api = { getChanges: async (since: number) => (calls.push(since), pages.shift() ?? { changes: [], next: since, more: false }) } as unknown as EscherApi;
  return { catalog: new TeamCatalog({ dir, server: async () => api, serverUrl: 'http://127.0.0.1:1', tenantId: 'acme' }), calls };
}

test('records that do not hold together are skipped with the reason; the good ones are kept; the cursor moves on', async (t) => {
  const swapped = record('swapped', 2, (r) => {
    r.versions['2.0.0'] = r.versions['1.0.0']!;
  });
  const traversal = record('traversal', 3, (r) => {
    r.versions['1.0.0']!.metadata.scripts[0]!.path = 'shell/../../../etc/passwd';
  });
  const dangling = record('dangling', 4, (r) => {
    r.latest_version = '9.9.9';
  });
  const { catalog, calls } = await catalogOver(t, [
    { changes: [record('good', 1), swapped], next: 2, more: true },
    { changes: [traversal, dangling], next: 4, more: false },
  ]);
  const r = await catalog.refresh();
  assert.equal(r.online, true);
  assert.equal(r.requests, 2);
  assert.deepEqual(calls, [0, 2]);
  assert.deepEqual(r.skipped.map((x) => x.split(':')[0]), ['swapped', 'traversal', 'dangling']);
  assert.deepEqual((await catalog.list()).map((x) => x.playbook_id), ['good']);
  assert.equal(await catalog.get('../good'), undefined);
  await catalog.refresh();
  assert.deepEqual(calls, [0, 2, 4], 'the next refresh starts after the last page');
});

test('a tombstone removes a team playbook', async (t) => {
  const { catalog } = await catalogOver(t, [
    { changes: [record('gone', 1)], next: 1, more: false },
    { changes: [record('gone', 2, (r) => Object.assign(r, { deleted: true, latest_version: null, versions: {} }))], next: 2, more: false },
  ]);
  await catalog.refresh();
  assert.ok(await catalog.get('gone'));
  await catalog.refresh();
  assert.equal(await catalog.get('gone'), undefined);
});

test('a refresh cut short by its deadline keeps the last-known catalog and says why (the server stalls)', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-team-catalog-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  await publishNew(s.api, path.join(dir, 'up'), 'stall-me');
  const catalog = new TeamCatalog({ dir: path.join(dir, 'team'), server: async () => s.api, serverUrl: s.url, tenantId: 'acme' });
  assert.equal((await catalog.refresh()).online, true);
  s.setFault('slow', { seconds: 5, match: '/api/changes' });
  const cut = await catalog.refresh({ signal: AbortSignal.timeout(200) });
  s.clearFaults('slow');
  assert.equal(cut.online, false);
  assert.match(cut.error ?? '', /timed out|abort/i);
  assert.deepEqual((await catalog.list()).map((r) => r.playbook_id), ['stall-me']);
});
