import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { generateDataKey } from '../../../src/core/shared/crypto';
import { LockedError } from '../../../src/core/shared/errors';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';
import { bundleStoreWorker } from '../../helpers/worker-bundle';

/**
 * Two processes (think: the CLI and the extension) write the same home at the same time: both
 * update one playbook and both create many playbooks with the same name. Nothing may be lost:
 * every update becomes its own version with its own content, every create gets its own id.
 */
const UPDATES = 30;
const CREATES = 60;

interface Ack {
  op: 'update' | 'create';
  version?: string;
  content?: string;
  id?: string;
}

test(`two processes: ${2 * UPDATES} concurrent updates of one playbook and ${2 * CREATES} same-name creates lose nothing`, { timeout: 120_000 }, async (t) => {
  const root = await tempDir(t, 'escher-concurrency-');
  const worker = await bundleStoreWorker(root);
  const dir = path.join(root, 'playbooks');
  const key = generateDataKey();
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets({ 'escher.dataKey': key }) });
  await store.createPlaybook({ name: 'Shared', description: 'both processes update me', scripts: [{ path: 'shell/run.sh', content: 'start' }] });

  const a = start(worker, dir, key, 'A');
  const b = start(worker, dir, key, 'B');
  await Promise.all([a.ready, b.ready]);
  a.child.stdin.write('go\n');
  b.child.stdin.write('go\n');
  const [acksA, acksB] = await Promise.all([a.done, b.done]);
  const acks = [...acksA, ...acksB];

  // Updates: 1 + 60 versions, all distinct, each holding exactly what its writer wrote.
  const updates = acks.filter((x) => x.op === 'update');
  assert.equal(updates.length, 2 * UPDATES);
  assert.equal(new Set(updates.map((u) => u.version)).size, 2 * UPDATES, 'no two updates got the same version');
  const versions = await store.listVersions('shared');
  assert.equal(versions.length, 1 + 2 * UPDATES);
  for (const u of updates) {
    const p = await store.getPlaybook('shared', u.version);
    assert.equal((await store.readScript(p, 'shell/run.sh')).toString(), u.content, `version ${u.version}`);
  }
  // The two writers really interleaved (otherwise this test proves nothing).
  const order = updates.sort((x, y) => (x.version! < y.version! ? -1 : 1)).map((u) => u.content!.slice(0, 1));
  const switches = order.filter((w, i) => i > 0 && w !== order[i - 1]).length;
  assert.ok(switches >= 2, `writers interleaved ${switches} times`);

  // Creates: 120 distinct ids, all present.
  const created = acks.filter((x) => x.op === 'create').map((x) => x.id!);
  assert.equal(new Set(created).size, 2 * CREATES, 'every create got its own id');
  const listed = new Set((await store.listPlaybooks()).map((s) => s.playbook_id));
  for (const id of created) assert.ok(listed.has(id), `${id} is listed`);
  assert.equal(listed.size, 1 + 2 * CREATES);
  assert.deepEqual((await store.doctor()).issues, []);
  t.diagnostic(`processes=2 ops=${acks.length} versions=${versions.length} ids=${created.length} lost=0 interleavings=${switches}`);
});

test('a lock left by a SIGKILLed process is taken over once stale, not waited on forever', { timeout: 30_000 }, async (t) => {
  const dir = path.join(await tempDir(t, 'escher-stale-'), 'playbooks');
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets(), locks: { staleMs: 2000 } });
  await store.createPlaybook({ name: 'Locked', description: '' });
  // What a killed holder leaves: the lock folder, no longer refreshed.
  const lock = path.join(dir, '.locks', 'id-locked.lock');
  await fs.mkdir(lock, { recursive: true });
  const started = Date.now();
  const p = await store.updatePlaybook('locked', { description: 'v2' });
  const waited = Date.now() - started;
  assert.equal(p.metadata.version, '1.0.1');
  assert.ok(waited >= 1500, `waited ${waited} ms for the lock to go stale`);
  assert.ok(waited < 10_000, `took the stale lock over after ${waited} ms`);

  // A lock whose holder is alive (it keeps refreshing it) is never stolen: we give up with a clear error.
  const release = await lockfile.lock(path.join(dir, '.locks', 'id-locked'), { realpath: false, stale: 2000 });
  try {
    const impatient = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets(), locks: { staleMs: 2000, waitMs: 3000 } });
    await assert.rejects(impatient.updatePlaybook('locked', { description: 'never written' }), (e: unknown) => e instanceof LockedError && /busy/.test(e.message));
    assert.deepEqual(await store.listVersions('locked'), ['1.0.0', '1.0.1'], 'nothing was written while the lock was held');
  } finally {
    await release();
  }
  assert.equal((await store.updatePlaybook('locked', { description: 'v3' })).metadata.version, '1.0.2', 'released locks are free again');
});

function start(worker: string, dir: string, key: string, tag: string): { child: ChildProcessWithoutNullStreams; ready: Promise<void>; done: Promise<Ack[]> } {
  const child = spawn(process.execPath, [worker, 'hammer', dir, tag, String(UPDATES), String(CREATES)], { env: { ...process.env, ESCHER_KEY: key } });
  let out = '';
  let err = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (out.includes('ready\n')) onReady();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = new Promise<Ack[]>((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${tag} failed (${code}): ${err}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('ack ')).map((l) => JSON.parse(l.slice(4)) as Ack));
    }),
  );
  return { child, ready, done };
}

test('a bulk create that cannot get the store lock reports every item as failed (LockedError), writes nothing', async (t) => {
  const dir = path.join(await tempDir(t, 'escher-busy-'), 'playbooks');
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets(), locks: { staleMs: 2000, waitMs: 200 } });
  await store.createPlaybook({ name: 'First', description: '' });
  const release = await lockfile.lock(path.join(dir, '.locks', 'store'), { realpath: false, stale: 2000 });
  try {
    const results = await store.createPlaybooks([{ name: 'A', description: '' }, { name: 'B', description: '' }]);
    assert.deepEqual(results.map((r) => !r.ok && r.error instanceof LockedError), [true, true]);
    await assert.rejects(store.createPlaybook({ name: 'C', description: '' }), LockedError);
  } finally {
    await release();
  }
  assert.deepEqual((await store.listPlaybooks()).map((s) => s.playbook_id), ['first']);
});
