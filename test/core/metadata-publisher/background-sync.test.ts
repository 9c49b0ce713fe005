import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackgroundSync, type BackgroundSyncEvent } from '../../../src/core/metadata-publisher/background-sync';
import { EscherError } from '../../../src/core/shared/errors';
import { FakeClock, settle } from '../../helpers/fake-clock';

function harness(opts: { run?: () => Promise<string>; intervalMinutes?: number } = {}) {
  const clock = new FakeClock();
  const runs: number[] = [];
  let listener: (() => void) | undefined;
  let disposed = false;
  const events: Array<BackgroundSyncEvent<string>> = [];
  const bg = new BackgroundSync<string>({
    clock,
    intervalMinutes: opts.intervalMinutes ?? 5,
    debounceMs: 2000,
    random: () => 1,
    run: async () => {
      runs.push(clock.now());
      return opts.run ? opts.run() : 'ok';
    },
    subscribe: (fn) => {
      listener = fn;
      return { dispose: () => (disposed = true) };
    },
    onEvent: (e) => events.push(e),
  });
  return { clock, runs, bg, events, change: () => listener?.(), isDisposed: () => disposed };
}

test('syncs once shortly after start, then every 5 minutes', async () => {
  const h = harness();
  const t0 = h.clock.now();
  h.bg.start();
  await h.clock.advance(1999);
  assert.equal(h.runs.length, 0);
  await h.clock.advance(1);
  assert.deepEqual(h.runs, [t0 + 2000]);
  await h.clock.advance(5 * 60_000 - 1);
  assert.equal(h.runs.length, 1, 'not before the interval');
  await h.clock.advance(1);
  assert.equal(h.runs.length, 2);
  await h.clock.advance(10 * 60_000);
  assert.equal(h.runs.length, 4);
  await h.bg.stop();
});

test('a burst of store changes costs one sync, 2 s after the last change', async () => {
  const h = harness();
  h.bg.start();
  await h.clock.advance(2000); // the start-up sync
  const before = h.runs.length;
  for (let i = 0; i < 10; i++) {
    h.change();
    await h.clock.advance(500);
  }
  assert.equal(h.runs.length, before, 'still debouncing while changes keep coming');
  const lastChange = h.clock.now() - 500;
  await h.clock.advance(1500);
  assert.equal(h.runs.length, before + 1);
  assert.equal(h.runs.at(-1), lastChange + 2000);
  await h.bg.stop();
});

test('a change during a sync never starts a second sync at once; one follows after it', async () => {
  let release!: () => void;
  let concurrent = 0;
  let maxConcurrent = 0;
  const h = harness({
    run: async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise<void>((r) => (release = r));
      concurrent--;
      return 'ok';
    },
  });
  h.bg.start();
  await h.clock.advance(2000);
  assert.equal(h.runs.length, 1);
  h.change();
  h.change();
  await h.clock.advance(10_000);
  assert.equal(h.runs.length, 1, 'the running sync is not doubled');
  release();
  await settle();
  await h.clock.advance(2000);
  assert.equal(h.runs.length, 2, 'the dirty flag gives exactly one follow-up sync');
  release();
  await settle();
  assert.equal(maxConcurrent, 1);
  await h.bg.stop();
});

test('failures back off exponentially; a 401 stops the loop with the auth error instead of hammering', async () => {
  let mode: 'fail' | 'auth' = 'fail';
  const h = harness({
    run: async () => {
      if (mode === 'fail') throw new EscherError('NETWORK', 'connect ECONNREFUSED 127.0.0.1:1');
      throw new EscherError('AUTH', 'The server rejected the token (401)', { hint: 'sign in again' });
    },
  });
  h.bg.start();
  await h.clock.advance(2000);
  // random() = 1 → delays 5 s, 10 s, 20 s (base 5 s)
  await h.clock.advance(5000);
  await h.clock.advance(10_000);
  await h.clock.advance(20_000);
  const gaps = h.runs.slice(1).map((t, i) => t - h.runs[i]!);
  assert.deepEqual(gaps, [5000, 10_000, 20_000]);
  mode = 'auth';
  await h.clock.advance(40_000);
  const n = h.runs.length;
  await h.clock.advance(60 * 60_000);
  assert.equal(h.runs.length, n, 'no request after the 401');
  assert.equal(h.bg.running, false);
  assert.match(String((h.bg.stoppedBecause as Error).message), /401/);
  assert.ok(h.events.some((e) => e.type === 'stopped' && e.reason === 'auth'));
  assert.ok(h.isDisposed(), 'unsubscribed from the store');
});

test('stop() cancels the timer, unsubscribes and waits for the sync in flight', async () => {
  let release!: () => void;
  let finished = false;
  const h = harness({
    run: async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
      return 'ok';
    },
  });
  h.bg.start();
  await h.clock.advance(2000);
  const stopping = h.bg.stop();
  let stopped = false;
  void stopping.then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, 'stop waits for the running sync');
  release();
  await stopping;
  assert.equal(finished, true);
  assert.equal(h.clock.pending, 0, 'no timer left behind');
  assert.ok(h.isDisposed());
  h.change();
  await h.clock.advance(10 * 60_000);
  assert.equal(h.runs.length, 1);
});
