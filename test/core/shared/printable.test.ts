import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { printable, printableJson } from '../../../src/core/shared/printable';
import { ATTACKS, RAW_DANGER } from '../../helpers/terminal-attacks';

test('each terminal attack comes out as visible escapes, nothing a terminal would obey', () => {
  for (const [what, s] of Object.entries(ATTACKS)) {
    const out = printable(s);
    assert.doesNotMatch(out, RAW_DANGER, what);
    assert.doesNotMatch(out, /[\n\r]/, `${what}: one line`);
  }
  assert.equal(printable(ATTACKS['OSC 52 clipboard write']!), 'name\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\x07');
  assert.equal(printable(ATTACKS['C1 CSI (8-bit)']!), 'c1\\x9b2Jcleared');
  assert.equal(printable(ATTACKS['bidi override']!), 'invoice\\u202efdp.exe');
  assert.equal(printable(ATTACKS['carriage return overwrite']!), 'harmless\\rrm -rf ~');
});

test('newlines are kept only for multi-line text; tabs, accents, CJK and emoji (with joiners) print as they are', () => {
  assert.equal(printable('a\nb\tc'), 'a\\nb\tc');
  assert.equal(printable('a\nb\tc', { multiline: true }), 'a\nb\tc');
  for (const s of ['Café, naïve', '週末のRDS停止', 'family 👨‍👩‍👧 ok', 'می‌خواهم']) assert.equal(printable(s), s);
});

test('property: the output never holds an unprintable character, and escaping twice changes nothing', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.boolean(), (s, multiline) => {
      const out = printable(s, { multiline });
      assert.doesNotMatch(out, multiline ? /(?![\t\n\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u : /(?![\t\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
      assert.equal(printable(out, { multiline }), out);
    }),
    { numRuns: 2000 },
  );
});

test('printableJson: the same JSON value, with no raw C1 control, separator or bidi character left', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...Object.values(ATTACKS))), { maxLength: 6 }), (values) => {
      const text = printableJson(JSON.stringify({ values }, null, 2));
      assert.doesNotMatch(text, RAW_DANGER);
      assert.deepEqual(JSON.parse(text), { values });
    }),
    { numRuns: 1000 },
  );
});
