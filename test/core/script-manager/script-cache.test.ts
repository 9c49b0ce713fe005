import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Clock } from '../../../src/core/shared/clock';
import { FakeClock } from '../../helpers/fake-clock';
import { TooLargeError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { encodeRecord } from '../../../src/core/script-manager/cache-index';
import { CacheLayout, type ScriptRef } from '../../../src/core/script-manager/cache-layout';
import { MetadataCache } from '../../../src/core/script-manager/metadata-cache';
import { ScriptCache } from '../../../src/core/script-manager/script-cache';

const DAY = 24 * 60 * 60_000;

async function tmpDir(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-cache-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

function ref(id: string, file = 'shell/run.sh', version = '1.0.0'): ScriptRef {
  return { playbookId: id, version, path: file };
}

function open(dir: string, clock: Clock, o: { maxSizeMb?: number; ttlDays?: number } = {}) {
  const metadata = new MetadataCache(new CacheLayout(dir), clock);
  const cache = new ScriptCache({ cacheDir: dir, maxSizeMb: o.maxSizeMb ?? 500, ttlDays: o.ttlDays ?? 7, clock, metadata });
  return { cache, metadata };
}

async function hitKeys(cache: ScriptCache, refs: ScriptRef[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of refs) if ((await cache.lookup(r)).status === 'hit') out.push(r.playbookId);
  return out;
}

test('a cached script is found, verified, and survives a restart of the process', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const body = Buffer.from('#!/bin/sh\necho stop\n');
  const { cache } = open(dir, clock);
  const put = await cache.cacheScript(ref('rds-stop', 'shell/stop.sh'), body);
  assert.equal(put.file, path.join(dir, 'scripts', 'rds-stop-v1.0.0', 'shell', 'stop.sh'));
  assert.equal(await fs.readFile(put.file, 'utf8'), body.toString());

  const again = open(dir, clock).cache; // a new process: only the index on disk
  const hit = await again.lookup(ref('rds-stop', 'shell/stop.sh'));
  assert.equal(hit.status, 'hit');
  assert.equal(hit.status === 'hit' && hit.entry.sha256, sha256(body));
  assert.equal(hit.status === 'hit' && hit.entry.size, body.length);
});

test('a cached file whose bytes changed is evicted on the next hit; other entries stay intact', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache } = open(dir, clock);
  const a = await cache.cacheScript(ref('alpha'), Buffer.from('echo alpha\n'));
  await cache.cacheScript(ref('beta'), Buffer.from('echo beta\n'));
  await fs.writeFile(a.file, 'echo ALPHA\n'); // same size, different bytes
  assert.equal((await cache.lookup(ref('alpha'))).status, 'miss');
  await assert.rejects(fs.stat(a.file), { code: 'ENOENT' });
  assert.equal((await cache.lookup(ref('beta'))).status, 'hit');

  const b = await cache.lookup(ref('beta'));
  assert.ok(b.status === 'hit');
  await fs.appendFile(b.file, 'x'); // size differs
  assert.equal((await cache.lookup(ref('beta'))).status, 'miss');
  assert.equal((await cache.stats()).entries, 0);
});

test('TTL: an entry is a hit until exactly ttl_days after insertion, then expired and evicted by evictOldCache', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(50 * DAY);
  const { cache } = open(dir, clock, { ttlDays: 7 });
  const body = Buffer.alloc(1000, 'a');
  await cache.cacheScript(ref('old'), body);
  await clock.advance(3 * DAY);
  await cache.cacheScript(ref('young'), Buffer.alloc(10, 'b'));
  await clock.advanceTo(50 * DAY + 7 * DAY - 1);
  assert.equal((await cache.lookup(ref('old'))).status, 'hit', 'one millisecond before the TTL');
  await clock.advanceTo(50 * DAY + 7 * DAY);
  assert.equal((await cache.lookup(ref('old'))).status, 'expired', 'at the TTL: access does not extend it');
  assert.equal((await cache.lookup(ref('young'))).status, 'hit');
  assert.equal(await cache.evictOldCache(), 1000);
  assert.equal((await cache.lookup(ref('old'))).status, 'miss');
  assert.equal((await cache.lookup(ref('young'))).status, 'hit');
  await assert.rejects(fs.stat(path.join(dir, 'scripts', 'old-v1.0.0')), { code: 'ENOENT' }, 'empty folders are removed');
  assert.equal(await cache.evictOldCache(), 0);
});

test('LRU: an insert that crosses cache_max_size_mb evicts least recently used entries first, exactly', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache } = open(dir, clock, { maxSizeMb: 1 });
  const kb300 = (c: string) => Buffer.alloc(300 * 1024, c);
  const ids = ['a', 'b', 'c', 'd', 'e'];
  for (const [i, id] of ids.slice(0, 3).entries()) {
    await clock.advanceTo(1_000_000 + i * 1000);
    await cache.cacheScript(ref(id), kb300(id));
  }
  await clock.advanceTo(1_010_000);
  assert.equal((await cache.lookup(ref('a'))).status, 'hit'); // a is now the most recently used
  await clock.advanceTo(1_020_000);
  await cache.cacheScript(ref('d'), kb300('d')); // 1200 KB > 1024 KB: b (least recent) must go, only b
  assert.deepEqual(await hitKeys(open(dir, clock, { maxSizeMb: 1 }).cache, ids.map((i) => ref(i))), ['a', 'c', 'd']);
  // The lookups above touched a, c, d in that order; e pushes out the least recent of them: a.
  await clock.advanceTo(1_030_000);
  const fresh = open(dir, clock, { maxSizeMb: 1 }).cache;
  await fresh.cacheScript(ref('e'), kb300('e'));
  assert.deepEqual(await hitKeys(fresh, ids.map((i) => ref(i))), ['c', 'd', 'e']);
  assert.ok((await fresh.stats()).totalBytes <= 1024 * 1024);
});

test('a script larger than the whole cache is refused with TooLargeError and nothing is evicted for it', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache } = open(dir, clock, { maxSizeMb: 1 });
  await cache.cacheScript(ref('keep'), Buffer.from('echo keep\n'));
  await assert.rejects(cache.cacheScript(ref('huge'), Buffer.alloc(1024 * 1024 + 1)), (e: unknown) => {
    assert.ok(e instanceof TooLargeError);
    assert.match(e.message, /larger than the whole script cache/);
    assert.equal(e.hintCode, 'cache-too-small');
    return true;
  });
  assert.equal((await cache.lookup(ref('keep'))).status, 'hit');
  assert.equal((await cache.lookup(ref('huge'))).status, 'miss');
  assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), [], 'no temp file left behind');
});

test('a garbled index line is detected; the index is rebuilt from the files and the cached metadata', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache, metadata } = open(dir, clock);
  const bodies = { one: 'echo one\n', two: 'echo two\n', three: 'echo three\n', four: 'echo four\n' };
  for (const [id, body] of Object.entries(bodies)) await cache.cacheScript(ref(id), Buffer.from(body));
  // "three" is also described by cached server metadata: that is evidence the rebuild may use.
  await metadata.put(
    { source: 'library', metadata: { playbook_id: 'three', version: '1.0.0', scripts: [{ format: 'shell', path: 'shell/run.sh', sha256: sha256(bodies.three), size: bodies.three.length }] } },
    { playbookId: 'three' },
  );
  const index = path.join(dir, 'index-v1.log');
  const lines = (await fs.readFile(index, 'utf8')).split('\n');
  // lines[0] is empty (records start with a newline); lines 2 and 3 are the puts of "two" and "three".
  const garble = (l: string) => l.slice(0, 70) + 'X' + l.slice(71);
  lines[2] = garble(lines[2]!);
  lines[3] = garble(lines[3]!);
  await fs.writeFile(index, lines.join('\n'));

  const reopened = open(dir, clock).cache;
  assert.deepEqual(await hitKeys(reopened, Object.keys(bodies).map((i) => ref(i))), ['one', 'three', 'four']);
  await assert.rejects(fs.stat(path.join(dir, 'scripts', 'two-v1.0.0', 'shell', 'run.sh')), { code: 'ENOENT' }, 'no evidence for "two": removed, it will be downloaded again');
  const text = await fs.readFile(index, 'utf8');
  assert.ok(!text.includes('X'), 'the rewritten index is clean');
});

test('a torn last index line (crash mid-append) and a deleted index are both rebuilt', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache, metadata } = open(dir, clock);
  await cache.cacheScript(ref('first'), Buffer.from('echo first\n'));
  const body = 'echo last\n';
  await metadata.put(
    { source: 'tenant', metadata: { playbook_id: 'last', version: '1.0.0', scripts: [{ format: 'shell', path: 'shell/run.sh', sha256: sha256(body), size: body.length }] } },
    { playbookId: 'last' },
  );
  await cache.cacheScript(ref('last'), Buffer.from(body));
  const index = path.join(dir, 'index-v1.log');
  const st = await fs.stat(index);
  await fs.truncate(index, st.size - 20);
  const reopened = open(dir, clock).cache;
  assert.deepEqual(await hitKeys(reopened, [ref('first'), ref('last')]), ['first', 'last']);

  await fs.rm(index);
  const again = open(dir, clock).cache;
  // Without the index only the metadata vouches: "last" is kept, "first" (cached without metadata) is dropped.
  assert.deepEqual(await hitKeys(again, [ref('first'), ref('last')]), ['last']);
});

test('an index line with a valid hash that points outside the cache is treated as corrupt', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache } = open(dir, clock);
  await cache.cacheScript(ref('good'), Buffer.from('echo good\n'));
  const evil = encodeRecord({ op: 'put', key: 'good@1.0.0/shell/run.sh', path: '../../etc/passwd', sha256: 'a'.repeat(64), size: 1, inserted_at: 1, last_access: 1 });
  await fs.appendFile(path.join(dir, 'index-v1.log'), evil + encodeRecord({ op: 'touch', key: 'good@1.0.0/shell/run.sh', at: 2_000_000 }));
  const reopened = open(dir, clock).cache;
  const hit = await reopened.lookup(ref('good'));
  assert.equal(hit.status, 'hit');
  assert.equal(hit.status === 'hit' && hit.file, path.join(dir, 'scripts', 'good-v1.0.0', 'shell', 'run.sh'));
});

test('the journal is compacted once it is mostly touches, without losing entries or access order', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache } = open(dir, clock);
  await cache.cacheScript(ref('a'), Buffer.from('a'));
  await cache.cacheScript(ref('b'), Buffer.from('b'));
  for (let i = 0; i < 2100; i++) {
    await clock.advance(1);
    await cache.lookup(ref(i % 2 === 0 ? 'b' : 'a'));
  }
  const lines = (await fs.readFile(path.join(dir, 'index-v1.log'), 'utf8')).split('\n').length - 1;
  assert.ok(lines < 200, `journal has ${lines} records after compaction`);
  const entries = (await open(dir, clock).cache.entries()).sort((x, y) => x.last_access - y.last_access);
  assert.deepEqual(
    entries.map((e) => [e.key, e.last_access]),
    [
      ['b@1.0.0/shell/run.sh', clock.now() - 1],
      ['a@1.0.0/shell/run.sh', clock.now()],
    ],
    'every access time survived the compaction',
  );
});

test('verify removes what does not verify; clear empties the cache and reports bytes freed', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const { cache } = open(dir, clock);
  const a = await cache.cacheScript(ref('a'), Buffer.from('aaaa'));
  await cache.cacheScript(ref('b', 'terraform/main.tf'), Buffer.from('bbbbbb'));
  await fs.writeFile(a.file, 'AAAA');
  await fs.mkdir(path.join(dir, 'scripts', 'stray'), { recursive: true });
  await fs.writeFile(path.join(dir, 'scripts', 'stray', 'x.sh'), 'x');
  const report = await cache.verify();
  assert.equal(report.kept, 1);
  assert.deepEqual(report.removed.map((r) => r.path).sort(), ['scripts/a-v1.0.0/shell/run.sh', 'scripts/stray/x.sh']);
  // A download in flight in another process: its temp file must survive a clear.
  const inFlight = await cache.tempFile();
  await fs.writeFile(inFlight, 'partial');
  assert.equal(await cache.clear(), 6);
  assert.equal(await fs.readFile(inFlight, 'utf8'), 'partial');
  assert.equal((await cache.stats()).entries, 0);
  assert.deepEqual(await fs.readdir(dir).then((n) => n.filter((x) => x === 'scripts')), []);
});

test('two cache instances (two processes) agree on LRU order: eviction sees the other one\'s hits', async (t) => {
  const dir = await tmpDir(t);
  const clock = new FakeClock(1_000_000);
  const a = open(dir, clock, { maxSizeMb: 1 }).cache;
  const b = open(dir, clock, { maxSizeMb: 1 }).cache;
  const kb300 = (c: string) => Buffer.alloc(300 * 1024, c);
  for (const [i, id] of ['x', 'y', 'z'].entries()) {
    await clock.advanceTo(1_000_000 + i);
    await a.cacheScript(ref(id), kb300(id));
  }
  await clock.advanceTo(1_000_100);
  assert.equal((await b.lookup(ref('x'))).status, 'hit', 'process B uses x');
  await clock.advanceTo(1_000_200);
  await a.cacheScript(ref('w'), kb300('w')); // A never saw B's hit in memory; the journal did
  assert.deepEqual(await hitKeys(b, ['x', 'y', 'z', 'w'].map((i) => ref(i))), ['x', 'z', 'w']);
});
