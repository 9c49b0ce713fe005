import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { tamperHex } from './tamper';

test('tamperHex changes exactly one digit, whatever the digit (a fixed replacement is a no-op one time in 16)', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9a-f]{1,64}$/), fc.nat(), (hex, n) => {
      const at = n % hex.length;
      const out = tamperHex(hex, at);
      assert.equal(out.length, hex.length);
      assert.equal([...out].filter((c, i) => c !== hex[i]).length, 1);
      assert.notEqual(out[at], hex[at]);
    }),
    { examples: [['0'.repeat(64), 0], ['0abc', 0]] },
  );
});
