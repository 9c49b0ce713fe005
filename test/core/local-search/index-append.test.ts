import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../../../src/core/shared/clock';
import { CollectionIndex } from '../../../src/core/local-search/collection-index';
import { COLLECTION_FILE, EmbeddedVectorStore } from '../../../src/core/local-search/embedded-store';
import { readIndexFile } from '../../../src/core/local-search/index-file';
import { parseQuery } from '../../../src/core/local-search/keyword-index';
import type { VectorPoint } from '../../../src/core/local-search/vector-store';
import { tempDir } from '../../helpers/temp-dir';
import { DIM, axisVector, testPayload } from './store-contract';
import { baseEnd } from './index-file-layout';
import { AxisEmbedder } from './axis-embedder';

const IDENTITY = { modelId: 'test-model@1', dimension: DIM };

/** A point whose vector and description depend on `round`, so a changed point differs in both (and no two vectors tie). */
function point(id: string, round: number): VectorPoint {
  const v = new Float32Array(DIM).map((_, j) => Math.sin((round + 1) * (j + 1) * 0.731 + j));
  const n = Math.hypot(...v);
  return { id, vector: v.map((x) => x / n), payload: testPayload(id, { description: `Does ${id} things, round ${round}` }) };
}

async function opened(dir: string): Promise<EmbeddedVectorStore> {
  const s = new EmbeddedVectorStore(dir);
  await s.open(IDENTITY);
  return s;
}

/** What a user gets from a store: every point as stored, and the results of a few searches. */
async function observable(s: EmbeddedVectorStore): Promise<unknown> {
  const ids = s.ids().sort();
  const points = (await s.get(ids)).map((p) => ({ id: p.id, payload: p.payload, vector: Array.from(p.vector) }));
  const searches = [];
  for (let axis = 0; axis < DIM; axis++) searches.push((await s.search(axisVector(axis), { limit: 5 })).map((h) => [h.id, h.score.toFixed(5), h.payload.description]));
  return { points, searches };
}

test('append: a save after a few changes appends to the file, and loading it gives what a fresh build of the same points gives', async (t) => {
  const dir = await tempDir(t, 'escher-append-');
  const a = await opened(dir);
  await a.upsert(Array.from({ length: 40 }, (_, i) => point(`p${i}`, i)));
  await a.flush();
  const file = path.join(dir, COLLECTION_FILE);
  const base = await fs.readFile(file);
  assert.equal(baseEnd(base), base.length, 'the first save writes the file whole');

  await a.upsert([point('p3', 100), point('p7', 101), point('new1', 102)]);
  await a.delete(['p5', 'p6', 'missing']);
  await a.flush();
  const after = await fs.readFile(file);
  assert.ok(after.length > base.length && after.length - base.length < base.length / 4, `appended ${after.length - base.length} bytes to ${base.length}`);
  assert.deepEqual(after.subarray(0, base.length), base, 'the bytes written before are left as they were');
  assert.equal((await readIndexFile(file))!.segments.length, 1);

  // A second append on top of the first.
  await a.upsert([point('p3', 200), point('p5', 201)]);
  await a.delete(['new1']);
  await a.flush();
  assert.equal((await readIndexFile(file))!.segments.length, 2);

  const fresh = await opened(await tempDir(t, 'escher-fresh-'));
  await fresh.upsert(Array.from({ length: 40 }, (_, i) => point(`p${i}`, i)).filter((p) => p.id !== 'p6'));
  await fresh.upsert([point('p7', 101), point('p3', 200), point('p5', 201)]);
  const loaded = await opened(dir);
  assert.equal(await loaded.count(), 39);
  assert.deepEqual(await observable(loaded), await observable(fresh));
  assert.deepEqual(await observable(a), await observable(fresh), 'the writer sees the same');
  for (const s of [a, fresh, loaded]) await s.close();
});

test('append: a save cut short (truncated or garbled tail) is ignored, the state before it loads, and the next save rewrites the file', async (t) => {
  const dir = await tempDir(t, 'escher-torn-');
  const file = path.join(dir, COLLECTION_FILE);
  const a = await opened(dir);
  await a.upsert(Array.from({ length: 12 }, (_, i) => point(`p${i}`, i)));
  await a.flush();
  await a.upsert([point('p1', 50)]);
  await a.flush();
  const before = await observable(a);
  const good = await fs.readFile(file);
  await a.upsert([point('p2', 60), point('extra', 61)]);
  await a.delete(['p4']);
  await a.flush();
  await a.close();
  const full = await fs.readFile(file);
  assert.ok(full.length > good.length);
  const last = full.length - good.length;
  const damages: [string, Buffer][] = [
    ['cut in the header', full.subarray(0, good.length + 10)],
    ['cut in the body', full.subarray(0, good.length + Math.floor(last / 2))],
    ['last byte missing', full.subarray(0, full.length - 1)],
    ['garbled body byte', Buffer.from(full.map((b, i) => (i === full.length - 20 ? b ^ 0x01 : b)))],
    ['garbage appended', Buffer.concat([good, Buffer.from('ESCHSEG1 and then nothing sensible')])],
  ];
  for (const [what, bytes] of damages) {
    await fs.writeFile(file, bytes);
    const s = await opened(dir);
    assert.match(s.loadNote ?? '', /last save was cut short and is ignored/, what);
    assert.deepEqual(await observable(s), before, what);
    // The next save writes the file whole: no segment after the damaged bytes, and it loads clean.
    await s.upsert([point('p9', 70)]);
    await s.close();
    const again = await opened(dir);
    assert.equal(again.loadNote, undefined, what);
    assert.equal((await readIndexFile(file))!.segments.length, 0, what);
    assert.equal((await again.get(['p9']))[0]!.payload.description, 'Does p9 things, round 70', what);
    await again.close();
  }
});

test('append: the file is compacted once appended saves pass a quarter of it, and never grows without bound', async (t) => {
  const dir = await tempDir(t, 'escher-compact-');
  const file = path.join(dir, COLLECTION_FILE);
  const a = await opened(dir);
  await a.upsert(Array.from({ length: 20 }, (_, i) => point(`p${i}`, i)));
  await a.flush();
  const whole = (await fs.stat(file)).size;
  let compactions = 0;
  let appends = 0;
  let prevSize = whole;
  for (let round = 0; round < 30; round++) {
    await a.upsert([point(`p${round % 20}`, 1000 + round)]);
    await a.flush();
    const size = (await fs.stat(file)).size;
    const segments = (await readIndexFile(file))!.segments.length;
    if (segments === 0) compactions++;
    else appends++;
    assert.ok(size < whole * 1.5, `round ${round}: ${size} bytes, whole file ${whole}`);
    if (segments === 0) assert.ok(size <= prevSize, `round ${round}: a compaction drops the dead space`);
    prevSize = size;
  }
  assert.ok(appends > compactions && compactions >= 2, `${appends} appends, ${compactions} compactions`);
  const loaded = await opened(dir);
  assert.deepEqual(await observable(loaded), await observable(a));
  await loaded.close();
  await a.close();
});

test('append: a file another process rewrote or appended to since this one read it is rewritten whole, never appended to blindly', async (t) => {
  const dir = await tempDir(t, 'escher-twoproc-');
  const file = path.join(dir, COLLECTION_FILE);
  const seed = await opened(dir);
  await seed.upsert(Array.from({ length: 10 }, (_, i) => point(`p${i}`, i)));
  await seed.close();
  const a = await opened(dir);
  const b = await opened(dir);
  await b.upsert([point('from-b', 20)]);
  await b.flush(); // b appends to the file a also read
  await a.upsert([point('from-a', 30)]);
  await a.flush(); // the file no longer ends where a left it: a writes its own view whole
  assert.equal((await readIndexFile(file))!.segments.length, 0);
  const c = await opened(dir);
  assert.deepEqual(c.ids().sort(), [...a.ids()].sort());
  assert.equal(c.loadNote, undefined);
  // b's view missed a's point; its next save rewrites from its own view (the next reconcile fixes either).
  await b.upsert([point('p1', 40)]);
  await b.flush();
  const d = await opened(dir);
  assert.deepEqual(d.ids().sort(), [...b.ids()].sort());
  for (const s of [a, b, c, d]) await s.close();
});

test('append: an index file of the previous format (v3) loads, says so, and is rewritten in the current one at the next save', async (t) => {
  const dir = await tempDir(t, 'escher-v3-');
  const file = path.join(dir, COLLECTION_FILE);
  await fs.copyFile(path.join(__dirname, 'fixtures', 'index-v3.idx'), file);
  const s = await opened(dir);
  assert.match(s.loadNote ?? '', /older format; it is rewritten in the current one at the next save/);
  assert.deepEqual(s.ids().sort(), ['p0', 'p1', 'p2']);
  assert.deepEqual((await s.get(['p1']))[0]!.payload, testPayload('p1'));
  assert.deepEqual((await s.search(axisVector(2), { limit: 1 })).map((h) => h.id), ['p2']);
  const before = await observable(s);
  await s.close();
  assert.equal((await fs.readFile(file)).subarray(0, 8).toString('ascii'), 'ESCHVIX4');
  const again = await opened(dir);
  assert.equal(again.loadNote, undefined);
  assert.deepEqual(await observable(again), before);
  await again.close();
});

test('append: the keyword index saved in the base part is brought up to date with the appended saves on load', async (t) => {
  const dir = await tempDir(t, 'escher-kwappend-');
  const model = new AxisEmbedder();
  const a = new CollectionIndex(dir, systemClock, model);
  await a.open();
  const others = Array.from({ length: 30 }, (_, i) => testPayload(`other${i}`, { description: 'an unrelated playbook' }));
  await a.upsert([...['alpha', 'beta', 'gamma'].map((id) => testPayload(id, { description: `the ${id} runbook` })), ...others]);
  await a.flush();
  await a.upsert([testPayload('beta', { description: 'restarts the zebra cluster' }), testPayload('delta', { description: 'rotates the walrus keys' })]);
  await a.remove(['gamma']);
  await a.flush();
  assert.equal((await readIndexFile(a.file))!.segments.length, 1);
  const b = new CollectionIndex(dir, systemClock, model);
  await b.open();
  const ids = (q: string) => b.keywords.search(parseQuery(q), { limit: 5 }).map((h) => h.id);
  assert.deepEqual(ids('zebra'), ['beta']);
  assert.deepEqual(ids('walrus'), ['delta']);
  assert.deepEqual(ids('gamma'), []);
  assert.deepEqual(ids('runbook'), ['alpha'], "beta's replaced text and the removed gamma are gone");
  assert.deepEqual(ids('alpha'), ['alpha']);
  assert.equal(b.keywords.size, 33);
  await a.close();
  await b.close();
});

test('append: temp files of crashed whole-file saves are removed on open; a live writer\'s is left alone', async (t) => {
  const dir = await tempDir(t, 'escher-stray-');
  const s = await opened(dir);
  await s.upsert([point('p0', 0)]);
  await s.close();
  // A process that has exited (Linux hands out pids in sequence: it is not reused this soon).
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stray = `.tmp-${COLLECTION_FILE}-${dead}-0badcafe`;
  const live = `.tmp-${COLLECTION_FILE}-${process.ppid}-0123abcd`;
  for (const name of [stray, live]) await fs.writeFile(path.join(dir, name), 'half a file');
  const again = await opened(dir);
  assert.deepEqual((await fs.readdir(dir)).sort(), [live, COLLECTION_FILE].sort());
  assert.equal(await again.count(), 1);
  await again.close();
});
