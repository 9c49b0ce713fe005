import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay } from '../../../src/core/shared/backoff';

test('backoff doubles up to the cap and always keeps at least half of the step (jitter never zero)', () => {
  const p = { baseMs: 1000, capMs: 8000 };
  assert.equal(backoffDelay(p, 1, () => 0), 500);
  assert.equal(backoffDelay(p, 1, () => 1), 1000);
  assert.equal(backoffDelay(p, 3, () => 1), 4000);
  assert.equal(backoffDelay(p, 10, () => 1), 8000);
  assert.equal(backoffDelay(p, 10, () => 0), 4000);
  const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(p, 4)));
  assert.ok(spread.size > 1, 'jitter spreads clients that failed together');
});

test('property: every delay lies within the jitter band under the ceiling, and the ceiling never shrinks', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (base, cap, retry, r) => {
      const ceiling = backoffCeiling({ baseMs: base, capMs: cap }, retry);
      assert.ok(ceiling <= cap && ceiling >= Math.min(base, cap));
      assert.ok(backoffCeiling({ baseMs: base, capMs: cap }, retry + 1) >= ceiling);
      const half = backoffDelay({ baseMs: base, capMs: cap }, retry, () => r);
      assert.ok(half >= Math.floor(ceiling / 2) && half <= ceiling, `half ${half} of ${ceiling}`);
      const full = backoffDelay({ baseMs: base, capMs: cap, jitter: 'full' }, retry, () => r);
      assert.ok(full >= 0 && full < ceiling, `full ${full} of ${ceiling}`);
    }),
  );
});
