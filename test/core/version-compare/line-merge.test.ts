import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasConflictMarkers, mergeLines } from '../../../src/core/version-compare/line-merge';

const BASE = 'a\nb\nc\nd\ne\n';

test('edits on different lines merge; the same edit on both sides merges once', () => {
  assert.deepEqual(mergeLines(BASE, 'a\nB\nc\nd\ne\n', 'a\nb\nc\nD\ne\n'), { text: 'a\nB\nc\nD\ne\n', conflicts: 0 });
  assert.deepEqual(mergeLines(BASE, 'a\nB\nc\nd\ne\n', 'a\nB\nc\nd\ne\nf\n'), { text: 'a\nB\nc\nd\ne\nf\n', conflicts: 0 });
  assert.deepEqual(mergeLines(BASE, 'a\nc\nd\ne\n', 'a\nb\nc\nd\n'), { text: 'a\nc\nd\n', conflicts: 0 }, 'a delete on each side');
});

test('the same lines changed differently are kept both between markers, and the markers are found again', () => {
  const r = mergeLines(BASE, 'a\nB\nc\nd\ne\n', 'a\nX\nc\nd\nE\n');
  assert.equal(r.text, 'a\n<<<<<<< mine\nB\n=======\nX\n>>>>>>> theirs\nc\nd\nE\n');
  assert.equal(r.conflicts, 1);
  assert.ok(hasConflictMarkers(r.text));
  assert.ok(!hasConflictMarkers('a\n<<<<<<< not ours\n=== x\n'));
});

test('without a base any difference is one conflict; a last line without a newline still gets its marker on a line of its own', () => {
  assert.deepEqual(mergeLines(undefined, 'x\n', 'y'), { text: '<<<<<<< mine\nx\n=======\ny\n>>>>>>> theirs\n', conflicts: 1 });
  assert.deepEqual(mergeLines(undefined, 'same', 'same'), { text: 'same', conflicts: 0 });
});

test('CRLF lines and text without a final newline come back byte for byte where nothing collides', () => {
  const base = 'one\r\ntwo\r\nthree';
  assert.deepEqual(mergeLines(base, 'ONE\r\ntwo\r\nthree', 'one\r\ntwo\r\nthree!'), { text: 'ONE\r\ntwo\r\nthree!', conflicts: 0 });
});
