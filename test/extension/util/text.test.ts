import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noticeText, pickText } from '../../../src/extension/util/notice-text';
import { absoluteTime, relativeTime } from '../../../src/extension/util/relative-time';

const now = Date.parse('2026-11-30T12:00:00Z');

test('relative times in words, with the exact time beside them', () => {
  assert.equal(relativeTime(now - 10_000, now), 'just now');
  assert.equal(relativeTime(now - 5 * 60_000, now), '5 minutes ago');
  assert.equal(relativeTime(now - 3 * 3_600_000, now), '3 hours ago');
  assert.equal(relativeTime(now - 86_400_000, now), 'yesterday');
  assert.equal(relativeTime(now - 3 * 86_400_000, now), '3 days ago');
  assert.equal(relativeTime(now - 400 * 86_400_000, now), 'last year');
  assert.equal(relativeTime(Number.NaN, now), 'at an unknown time');
  assert.equal(absoluteTime('2026-11-27T09:30:12.345Z'), '2026-11-27 09:30 UTC');
  assert.equal(absoluteTime('yesterday-ish'), 'unknown time');
});

test('text from the server in a notification: one line, no link syntax, no control characters, bounded', () => {
  assert.equal(noticeText('see [the fix](command:escher.runInTerminal)'), 'see [the fix] (command:escher.runInTerminal)');
  assert.equal(noticeText('two\nlines\u001b[2J and \u202eevil'), 'two lines\\x1b[2J and \\u202eevil');
  assert.equal(noticeText('x'.repeat(500)).length, 300);
});

test('text from files or the server in a quick pick: $( is escaped so VS Code draws no icon, and it stays one printable line', () => {
  assert.equal(pickText('$(check) ok $(x'), '\\$(check) ok \\$(x');
  assert.equal(pickText('a\n\u001b[31mb'), noticeText('a\n\u001b[31mb'));
  assert.equal(pickText('plain name'), 'plain name');
});
