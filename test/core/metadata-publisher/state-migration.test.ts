import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { migrateLegacySyncState } from '../../../src/core/metadata-publisher/state-migration';
import { SyncStateFile, emptySyncState } from '../../../src/core/metadata-publisher/sync-state';

const CHILD = path.join(__dirname, 'fixtures', 'migrate-child.ts');

async function tempIn(t: TestContext, parent: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(parent, 'escher-migrate-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A home as an older version left it: sync state beside cached server metadata in cache/metadata/. */
async function legacyHome(from: string): Promise<Record<string, string>> {
  const state = emptySyncState();
  state.cursor = 17;
  state.outbox.push({ kind: 'delete', key: 'k-1', playbook_id: 'pb-a', enqueued_at: '2026-01-01T00:00:00.000Z', attempts: 0, next_attempt_at: 0 });
  const files: Record<string, string> = {
    'sync_state.json': JSON.stringify(state),
    'last_sync.json': JSON.stringify({ format: 'escher-last-sync/1', last_sync_at: '2026-01-01T00:00:00.000Z', last_attempt_at: null, last_error: null }),
    'base/pb-a.json': '{"checksum":"a"}',
    'base/pb-b.json': '{"checksum":"b"}',
  };
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(from, rel)), { recursive: true });
    await fs.writeFile(path.join(from, rel), text);
  }
  // The script manager's cached metadata lives beside it and is not the migration's to touch.
  await fs.mkdir(path.join(from, 'playbooks', 'lib'), { recursive: true });
  await fs.writeFile(path.join(from, 'playbooks', 'lib', '1.0.0.json'), '{}');
  await fs.mkdir(path.join(from, '.upload-scratch'), { recursive: true });
  await fs.writeFile(path.join(from, '.upload-scratch', 'left-by-a-crash'), 'plaintext');
  return files;
}

function runChild(from: string, to: string, killAt: number): Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, from, to, String(killAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

async function assertMigrated(from: string, to: string, files: Record<string, string>, how: string): Promise<void> {
  for (const [rel, text] of Object.entries(files)) assert.equal(await fs.readFile(path.join(to, rel), 'utf8'), text, `${how}: ${rel} in the new folder`);
  assert.deepEqual((await fs.readdir(from)).sort(), ['playbooks'], `${how}: only the cached metadata is left in the cache`);
  assert.equal(await fs.readFile(path.join(from, 'playbooks', 'lib', '1.0.0.json'), 'utf8'), '{}');
  const state = await new SyncStateFile(to).read();
  assert.deepEqual([state.cursor, state.outbox.map((o) => o.key), state.last_sync_at], [17, ['k-1'], '2026-01-01T00:00:00.000Z'], how);
}

/**
 * Kills the migration before each of its steps in turn (children run 4 at a time: most of each
 * run is waiting for the killed child's lock to go stale); the next start must finish it with
 * nothing lost. Returns the number of kills.
 */
async function killAtEveryStep(t: TestContext, parentOfFrom: string, parentOfTo: string): Promise<number> {
  const setUp = async () => {
    const from = path.join(await tempIn(t, parentOfFrom), 'cache', 'metadata');
    const to = path.join(await tempIn(t, parentOfTo), 'sync');
    return { from, to, files: await legacyHome(from) };
  };
  const whole = await setUp();
  const full = await runChild(whole.from, whole.to, Number.MAX_SAFE_INTEGER);
  assert.equal(full.code, 0, full.out);
  assert.match(full.out, /done/);
  await assertMigrated(whole.from, whole.to, whole.files, 'not killed');
  const steps = full.out.split('\n').filter((l) => l.startsWith('step ')).length;
  const killAt = Array.from({ length: steps }, (_, k) => k);
  let kills = 0;
  const worker = async (): Promise<void> => {
    for (let k = killAt.shift(); k !== undefined; k = killAt.shift()) {
      const { from, to, files } = await setUp();
      const r = await runChild(from, to, k);
      assert.equal(r.signal, 'SIGKILL', `step ${k}: ${r.out}`);
      kills++;
      const killedAt = r.out.trim().split('\n').pop() ?? '';
      t.diagnostic(`killed before ${killedAt}`);
      await migrateLegacySyncState(from, to, { lockStaleMs: 2000 });
      await assertMigrated(from, to, files, `killed before ${killedAt}, then started again`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return kills;
}

test('the move of sync state out of the cache survives SIGKILL before any step: the next start finishes it, nothing lost', { timeout: 120_000 }, async (t) => {
  const kills = await killAtEveryStep(t, os.tmpdir(), os.tmpdir());
  t.diagnostic(`${kills} kills`);
  assert.ok(kills >= 5, `the migration was killed at each of its steps (${kills})`);
});

test('across filesystems (cache on another disk) the move copies, and survives SIGKILL at every step too', { timeout: 180_000 }, async (t) => {
  const other = '/dev/shm';
  const sameDevice = await Promise.all([fs.stat(other), fs.stat(os.tmpdir())]).then(([a, b]) => a.dev === b.dev).catch(() => true);
  if (sameDevice) {
    t.skip(`${other} is missing or on the same filesystem as ${os.tmpdir()}: no cross-filesystem move to test here`);
    return;
  }
  const kills = await killAtEveryStep(t, other, os.tmpdir());
  assert.ok(kills >= 8, `each file was copied then removed as its own step (${kills} kills)`);
});

test('a state an older version wrote to the cache after the move is kept aside, never merged over the newer one', async (t) => {
  const dir = await tempIn(t, os.tmpdir());
  const from = path.join(dir, 'cache', 'metadata');
  const to = path.join(dir, 'sync');
  await legacyHome(from);
  await migrateLegacySyncState(from, to);
  const newer = emptySyncState();
  newer.cursor = 99;
  await new SyncStateFile(to).save(newer);
  await fs.writeFile(path.join(from, 'sync_state.json'), JSON.stringify(emptySyncState()));
  const warnings: string[] = [];
  await migrateLegacySyncState(from, to, { logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } });
  assert.equal((await new SyncStateFile(to).read()).cursor, 99);
  assert.ok((await fs.readdir(to)).some((n) => n.startsWith('sync_state.json.legacy-')));
  assert.equal(warnings.length, 1);
});

test('a planted symlink in the legacy folder is not followed into the new one', async (t) => {
  const dir = await tempIn(t, os.tmpdir());
  const from = path.join(dir, 'cache', 'metadata');
  const to = path.join(dir, 'sync');
  await fs.mkdir(from, { recursive: true });
  const outside = path.join(dir, 'outside.json');
  await fs.writeFile(outside, 'private');
  await fs.symlink(outside, path.join(from, 'sync_state.json'));
  await migrateLegacySyncState(from, to);
  assert.equal(await fs.readFile(outside, 'utf8'), 'private', 'the target is untouched');
  assert.equal(await fs.lstat(path.join(to, 'sync_state.json')).catch(() => undefined), undefined, 'nothing was moved in through it');
});
