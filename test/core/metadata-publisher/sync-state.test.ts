import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { BaseStore } from '../../../src/core/metadata-publisher/base-store';
import { SyncLock } from '../../../src/core/metadata-publisher/sync-lock';
import { SyncStateFile, emptySyncState } from '../../../src/core/metadata-publisher/sync-state';
import type { PublishedMetadata } from '../../../src/core/escher-api/types';

async function tmp(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-sync-state-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

test('sync state round-trips and a missing file is a first sync', async (t) => {
  const dir = await tmp(t);
  const f = new SyncStateFile(path.join(dir, 'sync'));
  assert.deepEqual(await f.load(), emptySyncState());
  const s = emptySyncState();
  s.cursor = 42;
  s.last_sync_at = '2026-01-01T00:00:00.000Z';
  await f.save(s);
  assert.equal((await f.load()).cursor, 42);
  assert.ok(f.lastSyncFile.endsWith(path.join('sync', 'last_sync.json')), 'the seed\'s file name');
  assert.equal(JSON.parse(await fs.readFile(f.lastSyncFile, 'utf8')).last_sync_at, '2026-01-01T00:00:00.000Z');
});

test('an unchanged state is not rewritten; a change by another process is seen', async (t) => {
  const dir = await tmp(t);
  const f = new SyncStateFile(dir);
  const s = emptySyncState();
  s.cursor = 7;
  await f.save(s);
  // Every write is a rename of a new temp file: the same inode means the file was not rewritten.
  const before = (await fs.stat(f.file)).ino;
  const again = await f.load();
  again.last_sync_at = '2026-01-02T00:00:00.000Z';
  await f.save(again);
  assert.equal((await fs.stat(f.file)).ino, before, 'only last_sync.json was written');
  again.cursor = 8;
  await f.save(again);
  assert.notEqual((await fs.stat(f.file)).ino, before, 'a change is written (the check above can fail)');
  assert.equal((await f.load()).last_sync_at, '2026-01-02T00:00:00.000Z');
  // Another process (another SyncStateFile) changes it: this one must not reuse its cached copy.
  const other = new SyncStateFile(dir);
  const o = await other.load();
  o.cursor = 9;
  await other.save(o);
  assert.equal((await f.load()).cursor, 9);
});

test('an unreadable sync state is moved aside (kept for inspection) and sync starts over', async (t) => {
  const dir = await tmp(t);
  const f = new SyncStateFile(dir);
  await fs.writeFile(f.file, '{"format": "escher-sync/1", "cursor": ');
  const warnings: string[] = [];
  const g = new SyncStateFile(dir, { logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } });
  assert.equal((await g.load()).cursor, 0);
  assert.equal(warnings.length, 1);
  assert.ok((await fs.readdir(dir)).some((n) => n.startsWith('sync_state.json.corrupt-')));
});

test('a merge base that was tampered with or is not the expected one is treated as absent', async (t) => {
  const dir = await tmp(t);
  const b = new BaseStore(dir);
  const [h1, h2] = ['1'.repeat(64), '2'.repeat(64)];
  const meta = { playbook_id: 'pb-a', name: 'A', content_hash: h1 } as unknown as PublishedMetadata;
  await b.put(meta);
  assert.equal((await b.get('pb-a', h1))?.name, 'A');
  assert.equal(await b.get('pb-a', h2), undefined, 'another hash than the state expects');
  const file = path.join(dir, `pb-a.${h1}.json`);
  await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('"A"', '"B"'));
  assert.equal(await b.get('pb-a', h1), undefined, 'content no longer matches its checksum');
});

test('the base the saved state names survives a newer agreement until that one is saved (a kill in between keeps it)', async (t) => {
  const dir = await tmp(t);
  const b = new BaseStore(dir);
  const [h1, h2] = ['1'.repeat(64), '2'.repeat(64)];
  const v1 = { playbook_id: 'pb-a', name: 'v1', content_hash: h1 } as unknown as PublishedMetadata;
  const v2 = { playbook_id: 'pb-a', name: 'v2', content_hash: h2 } as unknown as PublishedMetadata;
  await b.put(v1);
  await b.prune({ 'pb-a': { remote_hash: h1 } });
  await b.put(v2, h1);
  // Killed here: the state on disk still names h1, and its base is there.
  assert.equal((await new BaseStore(dir).get('pb-a', h1))?.name, 'v1');
  await b.prune({ 'pb-a': { remote_hash: h2 } });
  assert.equal(await b.get('pb-a', h1), undefined, 'dropped once the state naming h2 was saved');
  assert.equal((await b.get('pb-a', h2))?.name, 'v2');
  b.forget('pb-a', h2);
  await b.prune({});
  assert.deepEqual(await fs.readdir(dir), [], 'a forgotten playbook leaves no base');
});

test('the sync lock serialises syncs in one process and refuses a second process', async (t) => {
  const dir = await tmp(t);
  const lock = new SyncLock(dir, { waitMs: 0 });
  const order: string[] = [];
  let releaseFirst!: () => void;
  const first = lock.run(async () => {
    order.push('first:start');
    await new Promise<void>((r) => (releaseFirst = r));
    order.push('first:end');
  });
  const second = lock.run(async () => {
    order.push('second');
  });
  // Wait (bounded) until the first run really holds the lock: order.push happens inside it.
  for (let i = 0; i < 200 && !order.includes('first:start'); i++) await new Promise((r) => setTimeout(r, 10));
  // Another "process" (a separate lock object) sees the directory lock and gives up at once.
  await assert.rejects(new SyncLock(dir, { waitMs: 0 }).run(async () => undefined), /Another process is syncing/);
  releaseFirst();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first:start', 'first:end', 'second']);
});
