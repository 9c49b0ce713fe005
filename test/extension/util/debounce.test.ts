import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Debouncer } from '../../../src/extension/util/debounce';
import { DisposableOwner } from '../../../src/extension/util/disposable';
import { FakeClock } from '../../helpers/fake-clock';

test('a burst of file events becomes one refresh, after the quiet period', async () => {
  const clock = new FakeClock(0);
  let calls = 0;
  const d = new Debouncer(clock, 300, () => calls++);
  for (let i = 0; i < 12; i++) {
    d.trigger();
    await clock.advance(50);
  }
  assert.equal(calls, 0);
  await clock.advance(300);
  assert.equal(calls, 1);
  d.trigger();
  d.dispose();
  await clock.advance(1000);
  assert.equal(calls, 1, 'disposed: the pending call is dropped');
});

test('an owner disposes what it registered in reverse order, once, even when one throws', () => {
  const order: string[] = [];
  class Owner extends DisposableOwner {
    constructor() {
      super();
      this._register({ dispose: () => order.push('first') });
      this._register({
        dispose: () => {
          order.push('second');
          throw new Error('boom');
        },
      });
      this._register({ dispose: () => order.push('third') });
    }
  }
  const o = new Owner();
  assert.throws(() => o.dispose(), /boom/);
  assert.deepEqual(order, ['third', 'second', 'first']);
  o.dispose();
  assert.deepEqual(order, ['third', 'second', 'first'], 'second dispose is a no-op');
});
