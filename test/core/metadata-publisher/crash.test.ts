import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { toPublishedMetadata } from '../../../src/core/metadata-publisher/extract';
import { TEST_TENANT, TEST_TOKEN, startTestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput } from './harness';
import { mulberry32 } from '../../helpers/seeded-random';

const CHILD = path.join(__dirname, 'fixtures', 'sync-child.ts');

/** Runs the child sync; kills it with SIGKILL `killAfterMs` after it says "start" (undefined: let it finish). */
function runChild(home: string, url: string, killAfterMs: number | undefined, publishIds: string[] = []): Promise<{ killed: boolean; out: string; syncMs?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, url, TEST_TENANT, ...publishIds], {
      env: { ...process.env, ESCHER_TEST_TOKEN: TEST_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let killed = false;
    let startedAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (startedAt === undefined && out.includes('start')) startedAt = Date.now();
      if (killAfterMs !== undefined && out.includes('start') && !killed) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      const finished = out.includes('done');
      resolve({ killed: killed && !finished, out, ...(finished && startedAt !== undefined ? { syncMs: Date.now() - startedAt } : {}) });
    });
  });
}

test('sync killed (SIGKILL) at random points and re-run: every change reaches the server exactly once, nothing lost', { timeout: 120_000 }, async (t) => {
  const seed = Number(process.env.ESCHER_CRASH_SEED ?? Date.now() % 100_000);
  t.diagnostic(`seed ${seed} (ESCHER_CRASH_SEED=${seed} replays it)`);
  const random = mulberry32(seed);
  const s = await startTestServer({ durable: true });
  t.after(() => s.close());
  const h = await makeHome(t, s);
  const ids = Array.from({ length: 30 }, (_, i) => `crash-${String(i).padStart(2, '0')}`);
  for (const id of ids) await h.store.createPlaybook(playbookInput(id, { area: 'synced' }));

  let kills = 0;
  // Kill points are drawn from the time a sync actually takes on this machine: a fast, quiet
  // machine finishes in a few hundred ms, where a fixed 0-1500 ms window would mostly miss.
  // The window only shrinks (the first sync carries the initial publishes, later ones less), and
  // kills are drawn from its first 80 %.
  let window = 1500;
  const rounds = 7;
  for (let round = 0; round < rounds; round++) {
    // Edits between crashes, so the outbox holds work of different ages.
    for (const id of ids.filter(() => random() < 0.35)) await h.store.updatePlaybook(id, { description: `round ${round} edit of ${id}` });
    const delay = Math.floor(random() * window * 0.8);
    const r = await runChild(h.home, s.url, delay);
    if (r.killed) kills++;
    else if (r.syncMs !== undefined) window = Math.max(20, Math.min(window, r.syncMs));
    const seq = Math.max(0, ...(await s.api.getChanges(0, 1000)).changes.map((c) => c.seq));
    t.diagnostic(`round ${round}: killed ${delay} ms into the sync: ${r.killed}; server mutations so far ${seq}`);
  }
  const final = await runChild(h.home, s.url, undefined);
  assert.match(final.out, /done/, final.out);
  t.diagnostic(`${kills} of ${rounds} syncs killed mid-way`);
  assert.ok(kills >= 2, `at least 2 syncs were killed mid-way (got ${kills})`);

  // Verify on the server: each playbook's latest is exactly the local latest, and the number of
  // mutations equals the number of versions (a duplicate publish would be an extra mutation).
  const page = await s.api.getChanges(0, 1000);
  assert.equal(page.changes.length, ids.length);
  let versions = 0;
  for (const rec of page.changes) {
    const local = await h.store.getPlaybook(rec.playbook_id);
    assert.equal(rec.latest_version, local.metadata.version, rec.playbook_id);
    assert.equal(rec.versions[rec.latest_version!]!.metadata.content_hash, toPublishedMetadata(local.metadata, TEST_TENANT).content_hash);
    versions += Object.keys(rec.versions).length;
  }
  assert.equal(Math.max(...page.changes.map((r) => r.seq)), versions, 'one mutation per published version: no duplicates');
  const status = await h.publisher.status();
  assert.deepEqual([status.queued, status.conflicts, status.changedSinceSync], [[], [], []]);
  assert.ok((await h.store.listPlaybooks()).every((p) => !p.playbook_id.includes('-conflict-')));
});

test('explicit publishes killed (SIGKILL) mid-way: the next sync finishes them (server once, local moved to synced/)', { timeout: 120_000 }, async (t) => {
  const seed = Number(process.env.ESCHER_CRASH_SEED ?? Date.now() % 100_000);
  t.diagnostic(`seed ${seed}`);
  const random = mulberry32(seed);
  const s = await startTestServer({ durable: true });
  t.after(() => s.close());
  const h = await makeHome(t, s);
  const ids = Array.from({ length: 8 }, (_, i) => `pub-crash-${i}`);
  for (const id of ids) await h.store.createPlaybook(playbookInput(id, { storage_strategy: 'local_only' }));
  for (let round = 0; round < 4; round++) {
    const pending = (await h.store.listPlaybooks({ area: 'local' })).map((p) => p.playbook_id).filter((id) => ids.includes(id));
    if (!pending.length) break;
    const r = await runChild(h.home, s.url, Math.floor(random() * 2500), pending);
    t.diagnostic(`round ${round}: ${pending.length} to publish, ${(r.out.match(/^published /gm) ?? []).length} confirmed before the kill, killed: ${r.killed}`);
  }
  // The user runs sync (or the background loop does): queued publishes finish, moves included.
  const final = await h.publisher.syncAllMetadata();
  assert.deepEqual(final.failed, []);
  // Whatever was never started is published now by hand, as a user would.
  for (const p of await h.store.listPlaybooks({ area: 'local' })) await h.publisher.publishMetadata(p.playbook_id, { strategy: 'uploaded_trusted' });
  const page = await s.api.getChanges(0, 1000);
  assert.deepEqual(page.changes.map((r) => r.playbook_id).sort(), [...ids].sort());
  let versions = 0;
  for (const rec of page.changes) {
    const local = await h.store.getPlaybook(rec.playbook_id);
    assert.equal(local.area, 'synced', rec.playbook_id);
    assert.equal(rec.versions[rec.latest_version!]!.metadata.content_hash, toPublishedMetadata(local.metadata, TEST_TENANT).content_hash);
    versions += Object.keys(rec.versions).length;
  }
  assert.equal(Math.max(...page.changes.map((r) => r.seq)), versions, 'no publish applied twice');
  assert.equal(versions, ids.length, 'only the trusted version of each, never the local_only one');
  const status = await h.publisher.status();
  assert.deepEqual([status.queued, status.conflicts], [[], []]);
});
