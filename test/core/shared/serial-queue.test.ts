import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerialQueue } from '../../../src/core/shared/serial-queue';

test('jobs run one at a time, in the order queued, even when an earlier one takes longer', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  let releaseFirst!: () => void;
  const firstGate = new Promise<void>((r) => (releaseFirst = r));
  const a = q.run(async () => {
    log.push('a start');
    await firstGate;
    log.push('a end');
    return 'a';
  });
  const b = q.run(async () => {
    log.push('b');
    return 'b';
  });
  // b must not start while a is waiting on its gate.
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['a start']);
  releaseFirst();
  assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
  assert.deepEqual(log, ['a start', 'a end', 'b']);
});

test('a failing job rejects for its caller only; the next job still runs', async () => {
  const q = new SerialQueue();
  const failed = q.run(() => Promise.reject(new Error('disk full')));
  const next = q.run(async () => 42);
  await assert.rejects(failed, /disk full/);
  assert.equal(await next, 42);
});

test('idle() waits for every job queued so far and never rejects', async () => {
  const q = new SerialQueue();
  const done: number[] = [];
  void q.run(async () => {
    await new Promise((r) => setImmediate(r));
    done.push(1);
  });
  q.run(() => Promise.reject(new Error('x'))).catch(() => undefined);
  await q.idle();
  assert.deepEqual(done, [1]);
});
