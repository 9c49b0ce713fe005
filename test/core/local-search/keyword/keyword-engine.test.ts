import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KeywordIndex, parseQuery } from '../../../../src/core/local-search/keyword-index';
import { KeywordCodecError } from '../../../../src/core/local-search/keyword/codec';
import { editDistance } from '../../../../src/core/local-search/keyword/edit-distance';
import { TopK } from '../../../../src/core/local-search/keyword/top-k';
import { testPayload } from '../store-contract';

const docs = [
  testPayload('stop-rds', { name: 'Stop RDS instances', description: 'Stops the Postgres databases at night to save cost' }),
  testPayload('rotate-keys', { name: 'Rotate IAM access keys', description: 'Creates new access keys and deactivates the old ones' }),
  testPayload('encrypt-bucket', { name: 'Encrypt S3 bucket', description: 'Turns on default encryption for a bucket' }),
  testPayload('restart-vm', { name: 'Restart EC2 instance', description: 'Reboots one EC2 instance and waits until it is running' }),
];

function index(): KeywordIndex {
  const idx = KeywordIndex.empty();
  for (const d of docs) idx.set(d);
  return idx;
}

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

test('keyword index: a saved index loads to the same answers, with removed documents left out', () => {
  const idx = index();
  idx.remove('rotate-keys');
  idx.set(testPayload('restart-vm', { name: 'Restart EC2 instance', description: 'Power-cycles a frozen server' }));
  const back = KeywordIndex.fromBuffer(idx.toBuffer());
  assert.equal(back.size, 3);
  assert.equal(back.has('rotate-keys'), false);
  for (const q of ['stop postgres', 'rotate keys', 'encryption bucket', 'frozen server', 'waits until running']) {
    assert.deepEqual(back.search(parseQuery(q), { limit: 10 }), idx.search(parseQuery(q), { limit: 10 }), q);
  }
  assert.deepEqual(ids(back.search(parseQuery('frozen'), { limit: 5 })), ['restart-vm'], 'the replaced text is the one searched');
  assert.deepEqual(ids(back.search(parseQuery('waits until running'), { limit: 5 })), [], 'the old text is gone');
});

test('keyword index: a loaded index takes new documents and removals (its postings are copied on first write)', () => {
  const back = KeywordIndex.fromBuffer(index().toBuffer());
  back.set(testPayload('stop-vm', { name: 'Stop EC2 instances', description: 'Stops idle servers at night' }));
  back.remove('stop-rds');
  assert.deepEqual(ids(back.search(parseQuery('stop at night'), { limit: 5 })), ['stop-vm']);
  // The buffer it was loaded from is untouched: loading it again gives the old answer.
  const again = index().toBuffer();
  assert.deepEqual(ids(KeywordIndex.fromBuffer(again).search(parseQuery('stop at night'), { limit: 5 })), ['stop-rds']);
});

test('keyword index: damaged bytes are a KeywordCodecError, never a wrong index', () => {
  const buf = index().toBuffer();
  assert.throws(() => KeywordIndex.fromBuffer(buf.subarray(0, 3)), KeywordCodecError);
  assert.throws(() => KeywordIndex.fromBuffer(buf.subarray(0, buf.length - 1)), KeywordCodecError);
  assert.throws(() => KeywordIndex.fromBuffer(Buffer.concat([buf, Buffer.alloc(4)])), KeywordCodecError);
  const header = Buffer.from(buf);
  header.write('X', 4 + header.subarray(4).indexOf('ESKW1'));
  assert.throws(() => KeywordIndex.fromBuffer(header), KeywordCodecError);
  // Unaligned (a slice at an odd offset of a bigger file): loads by copying.
  const odd = Buffer.concat([Buffer.alloc(1), buf]).subarray(1);
  assert.deepEqual(ids(KeywordIndex.fromBuffer(odd).search(parseQuery('rotate'), { limit: 5 })), ['rotate-keys']);
});

test('keyword index: removed documents no longer count for document frequency', () => {
  const idx = index();
  const before = idx.search(parseQuery('instance'), { limit: 5 })[0]!.score;
  idx.remove('stop-rds');
  const after = idx.search(parseQuery('instance'), { limit: 5 });
  assert.deepEqual(ids(after), ['restart-vm']);
  const fresh = KeywordIndex.empty();
  for (const d of docs.filter((d) => d.playbook_id !== 'stop-rds')) fresh.set(d);
  assert.ok(Math.abs(after[0]!.score - fresh.search(parseQuery('instance'), { limit: 5 })[0]!.score) < 1e-9, 'same score as an index that never had it');
  assert.notEqual(after[0]!.score, before);
});

test('keyword index: typos within one edit (transpositions too) on words of 6+ letters; the filter sees only candidates', () => {
  const idx = index();
  assert.deepEqual(ids(idx.search(parseQuery('rtoate keys'), { limit: 5 })).slice(0, 1), ['rotate-keys']);
  assert.deepEqual(ids(idx.search(parseQuery('encrpyt'), { limit: 5 })), ['encrypt-bucket']);
  const asked: string[] = [];
  idx.search(parseQuery('rotate'), { limit: 5, allow: (id) => (asked.push(id), true) });
  assert.deepEqual(asked, ['rotate-keys']);
});

test('edit distance: transposition is one edit; gives up past max', () => {
  assert.equal(editDistance('restrat', 'restart', 2), 1);
  assert.equal(editDistance('kitten', 'sitting', 3), 3);
  assert.equal(editDistance('kitten', 'sitting', 1), 2);
  assert.equal(editDistance('abc', 'abc', 0), 0);
});

test('top-k keeps exactly the k best of any stream, best first', () => {
  fc.assert(
    fc.property(fc.array(fc.float({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 200 }), fc.integer({ min: 0, max: 20 }), (scores, k) => {
      const top = new TopK(k);
      scores.forEach((s, i) => top.push(i, s));
      const want = scores.map((s, i) => ({ key: i, score: s })).sort((a, b) => b.score - a.score || a.key - b.key).slice(0, k).map((x) => x.score);
      assert.deepEqual(top.sorted().map((x) => x.score), want);
    }),
  );
});

test('query typos are corrected against the index and the synonym vocabulary before concepts are matched; English words are left alone', () => {
  const idx = KeywordIndex.empty();
  idx.set(testPayload('sg', { name: 'Delete unused security group', description: 'Removes a security group no instance uses' }));
  idx.set(testPayload('rds', { name: 'Protect database', description: 'Turns on deletion protection' }));
  const q = idx.parse('remvoe unsued secuirty grup');
  assert.deepEqual(q.terms, ['remove', 'unused', 'security', 'group']);
  assert.ok(q.concepts.includes('~security_group') && q.concepts.includes('~unused'));
  // "whole" and "being" are English, not typos of "while" or "bring", even where the index lacks them.
  assert.deepEqual(idx.parse('drop the whole thing being used').terms, ['drop', 'whole', 'thing', 'being', 'used']);
  assert.deepEqual(idx.search(idx.parse('secuirty grup'), { limit: 1 }).map((h) => h.id), ['sg']);
});
