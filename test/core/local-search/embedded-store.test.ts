import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { COLLECTION_FILE, EmbeddedVectorStore } from '../../../src/core/local-search/embedded-store';
import { scanTopK, topKByDot } from '../../../src/core/local-search/exact-search';
import { IndexFileError, decodeIndexFile, encodeIndexFile, readIndexFile, writeIndexFile } from '../../../src/core/local-search/index-file';
import { StoredPayload } from '../../../src/core/local-search/stored-payload';
import type { VectorStore } from '../../../src/core/local-search/vector-store';
import { DIM, axisVector, testPayload, vectorStoreContract } from './store-contract';
import { tempDir } from '../../helpers/temp-dir';

const dirs: string[] = [];
const tmp = async () => {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-vstore-'));
  dirs.push(d);
  return d;
};
after(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

vectorStoreContract('embedded', {
  fresh: async () => new EmbeddedVectorStore(await tmp()),
  reopen: async (prev: VectorStore) => new EmbeddedVectorStore(path.dirname((prev as EmbeddedVectorStore).file)),
});

const IDENTITY = { modelId: 'test-model@1', dimension: DIM };

async function savedStore(): Promise<{ dir: string; file: string }> {
  const dir = await tmp();
  const s = new EmbeddedVectorStore(dir);
  await s.open(IDENTITY);
  await s.upsert([0, 1, 2].map((i) => ({ id: `p${i}`, vector: axisVector(i), payload: testPayload(`p${i}`) })));
  await s.close();
  return { dir, file: path.join(dir, COLLECTION_FILE) };
}

test('embedded: a flipped byte, a truncated file or garbage is reported and the collection starts empty, never throws', async () => {
  const { dir, file } = await savedStore();
  const good = await fs.readFile(file);
  const damage: [string, Buffer][] = [
    ['flipped byte', Buffer.from(good.map((b, i) => (i === Math.floor(good.length / 2) ? b ^ 0xff : b)))],
    ['truncated', good.subarray(0, good.length - 40)],
    ['garbage', Buffer.from('not an index at all')],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [what, bytes] of damage) {
    await fs.writeFile(file, bytes);
    const s = new EmbeddedVectorStore(dir);
    const r = await s.open(IDENTITY);
    assert.equal(r.reset, true, what);
    assert.match(r.reason ?? '', /unreadable|rebuilding/, what);
    assert.equal(await s.count(), 0, what);
    // The next flush replaces the damaged file with a good one.
    await s.upsert([{ id: 'fresh', vector: axisVector(4), payload: testPayload('fresh') }]);
    await s.flush();
    const again = new EmbeddedVectorStore(dir);
    assert.deepEqual(await again.open(IDENTITY), { reset: false }, what);
    assert.equal(await again.count(), 1, what);
  }
});

test('embedded: the file format round-trips, payloads are parsed only when asked for, and a checksum covers every section', () => {
  const payloads = [testPayload('a'), testPayload('b')];
  const vectors = new Float32Array([...axisVector(0), ...axisVector(1)]);
  const stored = payloads.map((p) => StoredPayload.of(p));
  const buf = encodeIndexFile({ modelId: 'm', dimension: DIM, payloads: stored, vectors, savedAt: '2026-01-01T00:00:00.000Z' });
  assert.equal(buf.subarray(0, 8).toString('ascii'), 'ESCHVIX3');
  const back = decodeIndexFile(buf);
  assert.deepEqual(back.payloads.map((p) => p.row), stored.map((p) => p.row));
  assert.deepEqual(back.payloads.map((p) => p.payload), payloads);
  assert.equal(back.keyword, undefined);
  assert.equal(back.vectors.byteOffset, 0, 'vectors in a buffer of their own (usearch ignores byte offsets)');
  const withKeywords = decodeIndexFile(encodeIndexFile({ modelId: 'm', dimension: DIM, payloads: stored, vectors, keyword: { version: 'v1', bytes: Buffer.from([1, 2, 3]) }, savedAt: 'now' }));
  assert.deepEqual(withKeywords.keyword, { version: 'v1', bytes: Buffer.from([1, 2, 3]) });
  assert.deepEqual(Array.from(withKeywords.vectors), Array.from(vectors));
  assert.deepEqual(Array.from(back.vectors), Array.from(vectors));
  // Saving what was loaded writes the same bytes (unparsed payloads are written as read).
  assert.deepEqual(encodeIndexFile({ modelId: 'm', dimension: DIM, payloads: decodeIndexFile(buf).payloads, vectors, savedAt: '2026-01-01T00:00:00.000Z' }), buf);
  // Change one byte anywhere: the header's or a section's checksum catches it.
  for (const at of [12, 20, buf.length - 4, buf.indexOf('"playbook_id":"b"') + 16]) {
    const bad = Buffer.from(buf);
    bad[at] = bad[at]! ^ 0x20;
    assert.throws(() => decodeIndexFile(bad), IndexFileError, `byte ${at}`);
  }
  assert.throws(() => decodeIndexFile(buf.subarray(0, buf.length - 1)), IndexFileError);
});

test('embedded: a file read from disk gives the same points, and a torn file is an IndexFileError', async (t) => {
  const dir = await tempDir(t, 'escher-idx-');
  const file = path.join(dir, 'x.idx');
  const stored = [StoredPayload.of(testPayload('a'))];
  await writeIndexFile(file, { modelId: 'm', dimension: DIM, payloads: stored, vectors: Float32Array.from(axisVector(2)), savedAt: 'now' });
  const back = await readIndexFile(file);
  assert.deepEqual(back?.payloads.map((p) => p.payload), [testPayload('a')]);
  assert.deepEqual(Array.from(back!.vectors), Array.from(axisVector(2)));
  const full = await fs.readFile(file);
  await fs.writeFile(file, full.subarray(0, full.length - 10));
  await assert.rejects(readIndexFile(file), IndexFileError);
  await fs.writeFile(file, full.subarray(0, 10));
  await assert.rejects(readIndexFile(file), IndexFileError);
});

test('embedded: writes are atomic (no temp files left) and deleted slots are reused, not leaked into results', async () => {
  const { dir } = await savedStore();
  const s = new EmbeddedVectorStore(dir);
  await s.open(IDENTITY);
  await s.delete(['p0', 'p1']);
  // Searching for p0's direction must not return the freed (zeroed) slots.
  const hits = await s.search(axisVector(0), { limit: 10 });
  assert.deepEqual(hits.map((h) => h.id), ['p2']);
  await s.upsert([{ id: 'n1', vector: axisVector(6), payload: testPayload('n1') }]);
  assert.equal(s.matrixBytes() >= 3 * DIM * 4, true);
  await s.close();
  assert.deepEqual((await fs.readdir(dir)).sort(), [COLLECTION_FILE]);
});

test('exact search: usearch and the plain scan agree on the top-k', () => {
  const rows = 500;
  const dim = 32;
  const m = new Float32Array(rows * dim).map((_, i) => Math.sin(i * 0.37));
  const q = new Float32Array(dim).map((_, i) => Math.cos(i));
  const a = topKByDot(m, rows, dim, q, 10);
  const b = scanTopK(m, rows, dim, q, 10);
  assert.deepEqual(a.map((x) => x.row), b.map((x) => x.row));
  a.forEach((x, i) => assert.ok(Math.abs(x.score - b[i]!.score) < 1e-3));
});

test('exact search: a query that is a view into a bigger buffer (second vector of a batch) is searched by its own numbers', () => {
  const rows = 200;
  const dim = 16;
  const m = new Float32Array(rows * dim).map((_, i) => Math.sin(i * 0.71));
  const batch = new Float32Array(3 * dim).map((_, i) => Math.cos(i * 1.3));
  const second = batch.subarray(dim, 2 * dim);
  const alone = Float32Array.from(second);
  assert.deepEqual(topKByDot(m, rows, dim, second, 5), topKByDot(m, rows, dim, alone, 5));
  const window = new Float32Array((rows + 2) * dim);
  window.set(m, 2 * dim);
  assert.deepEqual(topKByDot(window.subarray(2 * dim), rows, dim, alone, 5).map((r) => r.row), topKByDot(m, rows, dim, alone, 5).map((r) => r.row));
});
