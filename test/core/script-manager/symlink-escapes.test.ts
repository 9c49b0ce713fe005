import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CacheLayout, type ScriptRef } from '../../../src/core/script-manager/cache-layout';
import { MetadataCache } from '../../../src/core/script-manager/metadata-cache';
import { ScriptCache } from '../../../src/core/script-manager/script-cache';
import { EscherError } from '../../../src/core/shared/errors';
import type { Logger } from '../../../src/core/shared/logger';
import { FakeClock } from '../../helpers/fake-clock';
import { makeManager, tempDir } from './fixtures';

/**
 * Every file the script manager reads, hands out or deletes must really be inside its root: a
 * symlinked folder anywhere below the store or the cache must not carry a read, a returned path
 * or a delete outside. (A root that is itself a symlink is fine: only escaping its real path is
 * refused.) Each test puts a "victim" file outside, builds the symlink, and checks the victim is
 * neither deleted nor handed out.
 */

const DAY = 24 * 60 * 60_000;

async function victim(root: string, rel: string, content = 'PRIVATE KEY\n'): Promise<string> {
  const file = path.join(root, 'outside', ...rel.split('/'));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
  return file;
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
}

function openCache(dir: string, clock: FakeClock, logger?: Logger) {
  const metadata = new MetadataCache(new CacheLayout(dir), clock);
  return new ScriptCache({ cacheDir: dir, maxSizeMb: 500, ttlDays: 7, clock, metadata, ...(logger ? { logger } : {}) });
}

const ref = (id: string, file = 'shell/run.sh'): ScriptRef => ({ playbookId: id, version: '1.0.0', path: file });

for (const area of ['local', 'synced'] as const) {
  test(`resolve refuses a ${area} script reached through a symlinked format folder, even when the bytes match`, async (t) => {
    const root = await tempDir(t, 'escher-symlink-resolve-');
    const { manager, store } = await makeManager(t, { home: path.join(root, 'home') });
    const body = '#!/bin/sh\necho stop\n';
    const p = await store.createPlaybook({ name: 'Stopper', description: '', scripts: [{ path: 'shell/stop.sh', content: body }] });
    if (area === 'synced') await store.movePlaybook(p.metadata.playbook_id, 'synced');
    const dir = (await store.getPlaybook('stopper')).dir;
    // Same bytes outside: only the symlink can be wrong here, not the hash.
    const outsideFile = await victim(root, 'shell/stop.sh', body);
    await fs.rm(path.join(dir, 'shell'), { recursive: true });
    await fs.symlink(path.dirname(outsideFile), path.join(dir, 'shell'));
    await assert.rejects(manager.resolveScript('stopper', 'shell'), (e: unknown) => e instanceof EscherError && /outside|symlink/.test(e.message));
  });
}

test('resolve refuses a store script that is itself a symlink (to a file inside or outside the version)', async (t) => {
  const root = await tempDir(t, 'escher-symlink-resolve-');
  const { manager, store } = await makeManager(t, { home: path.join(root, 'home') });
  const body = 'echo a\n';
  const p = await store.createPlaybook({ name: 'Linked', description: '', scripts: [{ path: 'shell/a.sh', content: body }] });
  const outsideFile = await victim(root, 'a.sh', body);
  await fs.rm(path.join(p.dir, 'shell', 'a.sh'));
  await fs.symlink(outsideFile, path.join(p.dir, 'shell', 'a.sh'));
  await assert.rejects(manager.resolveScript('linked', 'shell'), (e: unknown) => e instanceof EscherError && /symlink/.test(e.message));
});

test('a store whose root folder is itself a symlink (moved to a bigger disk) still resolves', async (t) => {
  const root = await tempDir(t, 'escher-symlink-root-');
  const realHome = path.join(root, 'big-disk', 'escher');
  await fs.mkdir(realHome, { recursive: true });
  await fs.symlink(realHome, path.join(root, 'home'));
  const { manager, store } = await makeManager(t, { home: path.join(root, 'home') });
  await store.createPlaybook({ name: 'Moved', description: '', scripts: [{ path: 'shell/a.sh', content: 'echo a\n' }] });
  const r = await manager.resolveScript('moved', 'shell');
  assert.equal(await fs.readFile(r.path, 'utf8'), 'echo a\n');
});

/** An empty cache under a fresh temp root (outside files go to <root>/outside). */
async function freshCache(t: Parameters<typeof tempDir>[0]) {
  const root = await tempDir(t, 'escher-symlink-cache-');
  const dir = path.join(root, 'cache');
  const clock = new FakeClock(1_000_000);
  const logger = recordingLogger();
  return { root, dir, clock, logger, cache: openCache(dir, clock, logger) };
}

/** A cache holding alpha (and beta), whose alpha-v1.0.0 folder was replaced by a symlink to a folder outside holding a victim. */
async function cacheWithSymlinkedVersionFolder(t: Parameters<typeof tempDir>[0], alsoBeta = false) {
  const { root, dir, clock, logger, cache } = await freshCache(t);
  await cache.cacheScript(ref('alpha'), Buffer.from('echo alpha\n'));
  if (alsoBeta) await cache.cacheScript(ref('beta'), Buffer.from('echo beta\n'));
  const outsideFile = await victim(root, 'shell/run.sh');
  const folder = path.join(dir, 'scripts', 'alpha-v1.0.0');
  await fs.rm(folder, { recursive: true });
  await fs.symlink(path.join(root, 'outside'), folder);
  return { cache, clock, logger, outsideFile, folder };
}

test('tamper eviction does not delete through a symlinked <id>-v<version> cache folder', async (t) => {
  const { cache, logger, outsideFile } = await cacheWithSymlinkedVersionFolder(t);
  assert.equal((await cache.lookup(ref('alpha'))).status, 'miss', 'the symlinked entry is not a hit');
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n', 'the file outside the cache is untouched');
  assert.ok(logger.warnings.some((w) => /outside|symlink/.test(w)), logger.warnings.join('\n'));
});

test('cache evict (TTL) does not delete through a symlinked <id>-v<version> folder', async (t) => {
  const { cache, clock, outsideFile } = await cacheWithSymlinkedVersionFolder(t);
  await clock.advance(8 * DAY);
  await cache.evictOldCache();
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n');
  assert.deepEqual(await cache.entries(), [], 'the expired entry is gone from the index');
});

test('cache verify does not read or delete through a symlinked <id>-v<version> folder; it removes only the link', async (t) => {
  const { cache, outsideFile, folder } = await cacheWithSymlinkedVersionFolder(t, true);
  const report = await cache.verify();
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n');
  assert.equal(report.kept, 1, 'beta is kept');
  assert.ok(report.removed.some((r) => r.path === 'scripts/alpha-v1.0.0' && /symlink/.test(r.reason)), JSON.stringify(report.removed));
  await assert.rejects(fs.lstat(folder), /ENOENT/, 'the link itself is removed');
});

test('a symlinked cache/scripts folder is never read or deleted through (verify, evict, tamper eviction, clear)', async (t) => {
  const { root, dir, clock, cache } = await freshCache(t);
  await cache.cacheScript(ref('alpha'), Buffer.from('echo alpha\n'));
  const outsideFile = await victim(root, 'alpha-v1.0.0/shell/run.sh');
  await fs.rm(path.join(dir, 'scripts'), { recursive: true });
  await fs.symlink(path.join(root, 'outside'), path.join(dir, 'scripts'));
  assert.equal((await cache.lookup(ref('alpha'))).status, 'miss');
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n', 'after the tamper check');
  await cache.verify().catch(() => undefined);
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n', 'after verify');
  await clock.advance(8 * DAY);
  await cache.evictOldCache().catch(() => undefined);
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n', 'after evict');
  await assert.rejects(cache.cacheScript(ref('beta'), Buffer.from('echo beta\n')), (e: unknown) => e instanceof EscherError && /outside/.test(e.message));
  assert.deepEqual(await fs.readdir(path.join(root, 'outside')), ['alpha-v1.0.0'], 'nothing was written outside either');
  // clear removes the link itself (it is inside the cache), never what it points at.
  await cache.clear();
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n', 'after clear');
});

test('a symlinked cache/tmp folder: stale temp files outside are not deleted, downloads refuse to stage there', async (t) => {
  const { root, dir, logger, cache } = await freshCache(t);
  await fs.mkdir(dir, { recursive: true });
  const outsideFile = await victim(root, 'old-notes.txt');
  const old = new Date(Date.now() - 2 * 60 * 60_000);
  await fs.utimes(outsideFile, old, old);
  await fs.symlink(path.join(root, 'outside'), path.join(dir, 'tmp'));
  await cache.evictOldCache();
  assert.equal(await fs.readFile(outsideFile, 'utf8'), 'PRIVATE KEY\n');
  assert.ok(logger.warnings.some((w) => /outside/.test(w)), logger.warnings.join('\n'));
  await assert.rejects(cache.cacheScript(ref('alpha'), Buffer.from('echo alpha\n')), (e: unknown) => e instanceof EscherError && /outside/.test(e.message));
  assert.deepEqual(await fs.readdir(path.join(root, 'outside')), ['old-notes.txt']);
});

test('a cache folder that is itself a symlink (moved to a bigger disk) works: insert, hit, verify, evict', async (t) => {
  const root = await tempDir(t, 'escher-symlink-cache-');
  const real = path.join(root, 'big-disk', 'cache');
  await fs.mkdir(real, { recursive: true });
  const dir = path.join(root, 'cache');
  await fs.symlink(real, dir);
  const clock = new FakeClock(1_000_000);
  const cache = openCache(dir, clock);
  await cache.cacheScript(ref('alpha'), Buffer.from('echo alpha\n'));
  assert.equal((await cache.lookup(ref('alpha'))).status, 'hit');
  assert.equal((await cache.verify()).kept, 1);
  await clock.advance(8 * DAY);
  assert.ok((await cache.evictOldCache()) > 0);
  assert.deepEqual(await fs.readdir(path.join(real, 'scripts')), []);
});

