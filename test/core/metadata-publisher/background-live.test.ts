import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackgroundSyncEvent } from '../../../src/core/metadata-publisher/background-sync';
import type { SyncReport } from '../../../src/core/metadata-publisher/sync-report';
import { startTestServer } from '../../helpers/dev-server';
import { FakeClock } from '../../helpers/fake-clock';
import { makeHome, playbookInput } from './harness';

/** Collects background events; `next()` waits (in real time, bounded) for the next one. */
function eventQueue() {
  const events: Array<BackgroundSyncEvent<SyncReport>> = [];
  let wake: (() => void) | undefined;
  return {
    events,
    push(e: BackgroundSyncEvent<SyncReport>) {
      events.push(e);
      wake?.();
    },
    async next(count: number, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for background event #${count} (have ${events.length})`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    },
  };
}

test('background sync on the real server: immediate (debounced) after a store change, then every 5 minutes on the injected clock', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const clock = new FakeClock();
  const h = await makeHome(t, s, { clock });
  const q = eventQueue();
  assert.equal(h.publisher.startBackgroundSync((e) => q.push(e)), true);
  t.after(() => h.publisher.stopBackgroundSync());
  await clock.advance(2000);
  await q.next(1); // start-up sync
  const changesCalls = () => s.server.requests().filter((r) => r.path === '/api/changes').length;

  await h.store.createPlaybook(playbookInput('bg-one', { area: 'synced' }));
  await h.store.updatePlaybook('bg-one', { description: 'second edit in the same burst' });
  await clock.advance(1999);
  assert.equal(q.events.length, 1, 'debounced: nothing before 2 s of quiet');
  await clock.advance(1);
  await q.next(2);
  const e = q.events[1]!;
  assert.equal(e.type, 'synced');
  assert.deepEqual(e.type === 'synced' ? e.result.published : [], ['bg-one'], 'one sync for the burst');
  assert.equal((await s.api.getRecord('bg-one'))?.latest_version, '1.0.1');

  // The moves and versions written by sync itself may cause one follow-up no-op sync; let it settle.
  await clock.advance(2000);
  await new Promise((r) => setTimeout(r, 300));
  const settled = q.events.length;
  const calls = changesCalls();
  await clock.advance(4 * 60_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(q.events.length, settled, 'no sync between intervals');
  await clock.advance(60_000);
  await q.next(settled + 1);
  assert.equal(changesCalls(), calls + 1, 'the 5-minute sync is one request');
  await h.publisher.stopBackgroundSync();
  assert.equal(h.publisher.backgroundRunning, false);
  await clock.advance(60 * 60_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(changesCalls(), calls + 1, 'stopped cleanly: no more requests');
});

test('background sync: disabled by syncEnabled=false; a 401 stops the loop after one request', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const off = await makeHome(t, s, { syncEnabled: false });
  assert.equal(off.publisher.startBackgroundSync(), false);

  const clock = new FakeClock();
  const h = await makeHome(t, s, { clock, api: s.client({ token: 'expired' }) });
  const q = eventQueue();
  h.publisher.startBackgroundSync((e) => q.push(e));
  t.after(() => h.publisher.stopBackgroundSync());
  s.server.resetRequests();
  await clock.advance(2000);
  await q.next(1); // AUTH goes straight to 'stopped'
  const stopped = q.events.find((e) => e.type === 'stopped');
  assert.ok(stopped && stopped.type === 'stopped' && stopped.reason === 'auth');
  assert.match(String((stopped.error as { hint?: string }).hint), /sign in again/);
  await h.store.createPlaybook(playbookInput('after-401', { area: 'synced' }));
  await clock.advance(60 * 60_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(s.server.requests().length, 1, 'exactly one request, then silence');
});
