import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { COLLECTION_FILE, EmbeddedVectorStore } from '../../../src/core/local-search/embedded-store';
import { scanTopK, topKByCosine } from '../../../src/core/local-search/exact-search';
import { dot, quantizeInto, quantized } from '../../../src/core/local-search/quantize';
import { IndexFileError, encodeIndexFile, readIndexFile, writeIndexFile } from '../../../src/core/local-search/index-file';
import { StoredPayload } from '../../../src/core/local-search/stored-payload';
import type { VectorStore } from '../../../src/core/local-search/vector-store';
import { DIM, axisVector, testPayload, vectorStoreContract } from './store-contract';
import { tempDir } from '../../helpers/temp-dir';
import { sectionStart } from './index-file-layout';

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
    ['flipped byte', Buffer.from(good.map((b, i) => (i === sectionStart(good, 'quantized') + 5 ? b ^ 0xff : b)))],
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

test('embedded: a payload or float32 vector damaged on disk drops only its point, says which, and the next save leaves it out', async () => {
  const { dir, file } = await savedStore();
  const good = await fs.readFile(file);
  const inPayload = good.indexOf('"playbook_id":"p1"', sectionStart(good, 'payloads')) + 16;
  // The high byte of p2's largest component (its own axis): the int8 copy no longer matches.
  const inVector = sectionStart(good, 'vectors') + (2 * DIM + 2) * 4 + 3;
  await fs.writeFile(file, Buffer.from(good.map((b, i) => (i === inPayload || i === inVector ? b ^ 0x20 : b))));
  const s = new EmbeddedVectorStore(dir);
  const damaged: string[] = [];
  s.onDamaged = (id, why) => damaged.push(`${id}: ${why}`);
  assert.deepEqual(await s.open(IDENTITY), { reset: false });
  assert.equal(await s.count(), 3, 'payloads and float32 vectors are not read at load');
  const hits = await s.search(axisVector(1), { limit: 3 });
  assert.deepEqual(hits.map((h) => h.id), ['p0']);
  assert.deepEqual(damaged.sort(), ['p1: checksum mismatch in a payload (damaged file)', 'p2: a vector does not match its checksummed int8 copy (damaged file)']);
  assert.equal(await s.count(), 1);
  await s.close();
  const again = new EmbeddedVectorStore(dir);
  await again.open(IDENTITY);
  assert.deepEqual((await again.catalog()).map((c) => c.id), ['p0']);
  assert.deepEqual((await again.get(['p0'])).map((p) => [p.payload, Array.from(p.vector)]), [[testPayload('p0'), Array.from(axisVector(0))]]);
  await again.close();
});

test('embedded: the file format round-trips, payloads are read only when asked for, and a checksum covers every section', async (t) => {
  const dir = await tempDir(t, 'escher-idx-');
  const file = path.join(dir, 'x.idx');
  const payloads = [testPayload('a'), testPayload('b')];
  const vectors = new Float32Array([...axisVector(0), ...axisVector(1)]);
  const stored = payloads.map((p) => StoredPayload.of(p));
  const input = { modelId: 'm', dimension: DIM, payloads: stored, vectors, savedAt: '2026-01-01T00:00:00.000Z' };
  const buf = encodeIndexFile(input).bytes;
  assert.equal(buf.subarray(0, 8).toString('ascii'), 'ESCHVIX4');
  await writeIndexFile(file, input);
  assert.deepEqual(await fs.readFile(file), buf);
  const back = (await readIndexFile(file))!;
  assert.deepEqual(back.payloads.map((p) => p.row), stored.map((p) => p.row));
  assert.deepEqual(back.payloads.map((p) => p.payload), payloads);
  assert.equal(back.keyword, undefined);
  assert.equal(back.quantized.byteOffset, 0, 'int8 rows in a buffer of their own (usearch ignores byte offsets)');
  assert.deepEqual(Array.from(back.quantized), [...quantized(axisVector(0)), ...quantized(axisVector(1))]);
  assert.deepEqual(Array.from(back.vectors!), Array.from(vectors));
  await writeIndexFile(file, { ...input, keyword: { version: 'v1', bytes: Buffer.from([1, 2, 3]) } });
  assert.deepEqual((await readIndexFile(file))!.keyword, { version: 'v1', bytes: Buffer.from([1, 2, 3]) });
  // Saving what was loaded writes the same bytes (unparsed payloads are written as read).
  const lazy = (await readIndexFile(file, { lazy: true }))!;
  assert.deepEqual(encodeIndexFile({ ...input, payloads: lazy.payloads }).bytes, buf);
  await lazy.reader!.close();
  // Change one byte anywhere before the payloads: the header's or a section's checksum catches it.
  for (const at of [12, 20, buf.indexOf('"playbook_id":"b"') + 16, buf.length - 300]) {
    const bad = Buffer.from(buf);
    bad[at] = bad[at]! ^ 0x20;
    await fs.writeFile(file, bad);
    await assert.rejects(readIndexFile(file), IndexFileError, `byte ${at}`);
  }
  // A payload changed on disk is caught by its own checksum when it is read.
  const bad = Buffer.from(buf);
  const inPayload = buf.lastIndexOf('"playbook_id":"b"') + 16;
  bad[inPayload] = bad[inPayload]! ^ 0x20;
  await fs.writeFile(file, bad);
  const read = (await readIndexFile(file, { lazy: true }))!;
  assert.deepEqual(read.payloads[0]!.payload, payloads[0]);
  assert.throws(() => read.payloads[1]!.payload, IndexFileError);
  await read.reader!.close();
  await fs.writeFile(file, buf.subarray(0, buf.length - 1));
  await assert.rejects(readIndexFile(file), IndexFileError);
});

test('embedded: a file read from disk gives the same points, and a torn file is an IndexFileError', async (t) => {
  const dir = await tempDir(t, 'escher-idx-');
  const file = path.join(dir, 'x.idx');
  const stored = [StoredPayload.of(testPayload('a'))];
  await writeIndexFile(file, { modelId: 'm', dimension: DIM, payloads: stored, vectors: Float32Array.from(axisVector(2)), savedAt: 'now' });
  const back = await readIndexFile(file);
  assert.deepEqual(back?.payloads.map((p) => p.payload), [testPayload('a')]);
  assert.deepEqual(Array.from(back!.vectors!), Array.from(axisVector(2)));
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
  assert.equal(s.matrixBytes() >= 3 * DIM, true);
  await s.close();
  assert.deepEqual((await fs.readdir(dir)).sort(), [COLLECTION_FILE]);
});

const q8 = (a: Float32Array) => quantized(a);

test('exact search: usearch and the plain scan agree on the top-k over int8 rows, and both approximate the float32 cosine', () => {
  const rows = 500;
  const dim = 32;
  const f = new Float32Array(rows * dim).map((_, i) => Math.sin(i * 0.37));
  const m = new Int8Array(rows * dim);
  for (let r = 0; r < rows; r++) quantizeInto(f.subarray(r * dim, (r + 1) * dim), m, r * dim);
  const q = new Float32Array(dim).map((_, i) => Math.cos(i));
  const a = topKByCosine(m, rows, dim, q8(q), 10);
  const b = scanTopK(m, rows, dim, q8(q), 10);
  assert.deepEqual(a.map((x) => x.row), b.map((x) => x.row));
  const cosine = (r: number) => dot(f.subarray(r * dim, (r + 1) * dim), q) / Math.hypot(...f.subarray(r * dim, (r + 1) * dim)) / Math.hypot(...q);
  a.forEach((x, i) => {
    assert.ok(Math.abs(x.score - b[i]!.score) < 1e-3);
    assert.ok(Math.abs(x.score - cosine(x.row)) < 0.02, `row ${x.row}: ${x.score} vs ${cosine(x.row)}`);
  });
});

test('exact search: a query that is a view into a bigger buffer (second vector of a batch) is searched by its own numbers', () => {
  const rows = 200;
  const dim = 16;
  const m = new Int8Array(rows * dim).map((_, i) => Math.round(Math.sin(i * 0.71) * 127));
  const batch = new Int8Array(3 * dim).map((_, i) => Math.round(Math.cos(i * 1.3) * 127));
  const second = batch.subarray(dim, 2 * dim);
  const alone = Int8Array.from(second);
  assert.deepEqual(topKByCosine(m, rows, dim, second, 5), topKByCosine(m, rows, dim, alone, 5));
  const window = new Int8Array((rows + 2) * dim);
  window.set(m, 2 * dim);
  assert.deepEqual(topKByCosine(window.subarray(2 * dim), rows, dim, alone, 5).map((r) => r.row), topKByCosine(m, rows, dim, alone, 5).map((r) => r.row));
});

test('embedded: a filter that few points match still finds the best of them, in float32 order', async (t) => {
  const dir = await tempDir(t, 'escher-filter-');
  const s = new EmbeddedVectorStore(dir);
  await s.open(IDENTITY);
  const vec = (i: number) => {
    const v = new Float32Array(DIM).map((_, j) => Math.sin((i + 1) * (j + 1) * 0.377 + j));
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const points = Array.from({ length: 400 }, (_, i) => ({ id: `p${i}`, vector: vec(i), payload: testPayload(`p${i}`, { cloud_provider: i % 50 === 7 ? 'azure' : 'aws' }) }));
  await s.upsert(points);
  const q = vec(1000);
  const expected = points
    .filter((p) => p.payload.cloud_provider === 'azure')
    .map((p) => ({ id: p.id, score: p.vector.reduce((a, x, j) => a + x * q[j]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
  const hits = await s.search(q, { limit: 5, filter: { cloud: 'azure' } });
  assert.deepEqual(hits.map((h) => h.id), expected.map((e) => e.id));
  hits.forEach((h, i) => assert.ok(Math.abs(h.score - expected[i]!.score) < 1e-5, `${h.id}: ${h.score} vs ${expected[i]!.score}`));
  await s.close();
});
