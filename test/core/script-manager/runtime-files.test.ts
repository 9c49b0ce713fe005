import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { createScriptManager } from '../../../src/core/script-manager/create';
import { resolveConfig } from '../../../src/core/shared/config';
import { silentLogger } from '../../../src/core/shared/logger';
import { generateDataKey } from '../../../src/core/shared/crypto';
import { runCli } from '../../helpers/cli';
import { FakeClock } from '../../helpers/fake-clock';
import { MemorySecrets, tempDir } from './fixtures';

/**
 * Decrypted copies of sensitive scripts (runtime-files.ts) never stay behind: not after the
 * process that wrote them exits, not past their TTL in a long-lived process, not after a CLI
 * `resolve` handed one to the shell (a detached reaper removes it at the TTL), and leftovers of
 * a killed process are swept when the next process starts.
 */

const SECRET = 'export DB_PASSWORD=hunter2-runtime\n';

async function sensitiveHome(t: Parameters<typeof tempDir>[0]): Promise<{ home: string; key: string; store: PlaybookStore }> {
  const home = await tempDir(t, 'escher-runtime-');
  const key = generateDataKey();
  const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new MemorySecrets({ 'escher.dataKey': key }) });
  await store.createPlaybook({ playbook_id: 'rotate', name: 'Rotate', description: 'rotates', scripts: [{ path: 'shell/rotate.sh', content: SECRET, sensitive: true }] });
  return { home, key, store };
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/** Every file under `dir` holding `needle`. */
async function plaintextCopies(dir: string, needle: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if ((await fs.readFile(p)).includes(needle)) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

test('a decrypted copy does not outlive the process that wrote it (a normal exit, nothing disposed)', async (t) => {
  const { home, key } = await sensitiveHome(t);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'runtime-child.ts'), home, 'rotate'], { env: { ...process.env, ESCHER_TEST_KEY: key }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 0, err);
  const file = out.trim();
  assert.ok(file.startsWith(path.join(home, 'run') + path.sep), file);
  assert.equal(await exists(file), false, 'the copy went with the process');
  assert.deepEqual(await plaintextCopies(home, 'hunter2-runtime'), [], 'no plaintext anywhere in the home');
});

test('in a long-lived process a decrypted copy is removed when its TTL ends, and by dispose', async (t) => {
  const { home, store } = await sensitiveHome(t);
  const clock = new FakeClock(Date.now());
  const r = await resolveWith(t, home, store, clock);
  assert.equal(await fs.readFile(r.path, 'utf8'), SECRET);
  await clock.advance(9 * 60_000);
  assert.equal(await exists(r.path), true, 'still there before the TTL (10 minutes)');
  await clock.advance(60_000);
  assert.equal(await exists(r.path), false, 'gone at the TTL');
  const again = await resolveWith(t, home, store, clock);
  again.manager.dispose();
  assert.equal(await exists(again.path), false, 'dispose removes it at once');
});

async function resolveWith(t: Parameters<typeof tempDir>[0], home: string, store: PlaybookStore, clock: FakeClock) {
  const manager = createScriptManager(resolveConfig({ home }, {}), { store, logger: silentLogger, clock, runtimeDir: path.join(home, 'run') });
  t.after(() => manager.dispose());
  const r = await manager.resolveScript('rotate', 'shell');
  assert.equal(r.decrypted, true);
  return { path: r.path, manager };
}

test('copies older than the TTL that a killed process left are swept when the next process starts; newer ones stay', async (t) => {
  const { home, key } = await sensitiveHome(t);
  const runDir = path.join(home, 'run', 'scripts', 'rotate-v1.0.0', 'shell');
  await fs.mkdir(runDir, { recursive: true, mode: 0o700 });
  const old = path.join(runDir, 'rotate.sh');
  await fs.writeFile(old, SECRET, { mode: 0o600 });
  const past = new Date(Date.now() - 11 * 60_000);
  await fs.utimes(old, past, past);
  const recentDir = path.join(home, 'run', 'scripts', 'other-v1.0.0', 'shell');
  await fs.mkdir(recentDir, { recursive: true, mode: 0o700 });
  const recent = path.join(recentDir, 'other.sh');
  await fs.writeFile(recent, 'echo recent\n', { mode: 0o600 });
  // Any command that starts the service sweeps (`list` reads the store alone and starts none).
  const r = await runCli(home, ['cache', 'stats'], { env: { ESCHER_KEY: key, XDG_RUNTIME_DIR: '' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await exists(old), false, 'the stale copy is gone');
  assert.equal(await exists(path.join(home, 'run', 'scripts', 'rotate-v1.0.0')), false, 'and its emptied folders');
  assert.equal(await exists(recent), true, 'a copy still within its TTL (another live process may be running it) stays');
});

test('`resolve` hands the decrypted copy to the shell: it exists after the CLI exits, private, and a reaper removes it at the TTL', async (t) => {
  const { home, key } = await sensitiveHome(t);
  const env = { ESCHER_KEY: key, XDG_RUNTIME_DIR: '' };
  const kept = await runCli(home, ['resolve', 'rotate', '--format', 'shell'], { env: { ...env, ESCHER_RUNTIME_TTL_SECONDS: '3600' } });
  assert.equal(kept.code, 0, kept.stderr);
  const file = kept.stdout.trim();
  assert.equal(await fs.readFile(file, 'utf8'), SECRET, 'usable by `sh "$(escher-playbook resolve …)"`');
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  assert.match(kept.stderr, /decrypted private copy, deleted at \d{4}-/);
  await fs.rm(file); // lets that reaper (an hour away) see its file is gone and exit

  const short = await runCli(home, ['resolve', 'rotate', '--format', 'shell'], { env: { ...env, ESCHER_RUNTIME_TTL_SECONDS: '1' } });
  assert.equal(short.code, 0, short.stderr);
  const reaped = short.stdout.trim();
  // The reaper wakes at the TTL; poll for its result (bounded), not for a time.
  for (let i = 0; i < 300 && (await exists(reaped)); i++) await delay(100);
  assert.equal(await exists(reaped), false, 'removed by the reaper after the CLI exited');
  assert.deepEqual(await plaintextCopies(path.join(home, 'run'), 'hunter2-runtime'), []);
});
