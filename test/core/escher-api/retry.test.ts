import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isRetryableStatus, retryDelay } from '../../../src/core/escher-api/retry';

test('property: full-jitter delays stay within [0, min(cap, base * 2^attempt)]', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 60_000 }), fc.nat(40), fc.double({ min: 0, max: 0.999999, noNaN: true }), (base, cap, attempt, r) => {
      const d = retryDelay({ retries: 3, baseDelayMs: base, maxDelayMs: cap }, attempt + 1, () => r);
      assert.ok(d >= 0 && d <= Math.min(cap, base * 2 ** attempt), `${d}`);
    }),
  );
});

test('the ceiling doubles per attempt and Retry-After is honoured up to the cap', () => {
  const p = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  const top = () => 0.999999;
  assert.deepEqual([0, 1, 2, 3, 4].map((a) => retryDelay(p, a + 1, top)), [99, 199, 399, 799, 999]);
  assert.equal(retryDelay(p, 1, () => 0, 0.5), 500);
  assert.equal(retryDelay(p, 1, () => 0, 60), 1000);
});

test('only 429 and 5xx gateway/server errors are retryable', () => {
  assert.deepEqual([400, 401, 403, 404, 409, 412, 422, 428, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus), [429, 500, 502, 503, 504]);
});
