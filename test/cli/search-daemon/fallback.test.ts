import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { runCli } from '../../helpers/cli';
import { DAEMON_ENV, DaemonWatch } from '../../helpers/search-daemon';
import { tempDir } from '../../helpers/temp-dir';

/**
 * A search daemon that is not what it should be — answering garbage, hanging up, reached through a
 * symlink, in a folder others may enter — is never believed: the search runs in-process and prints
 * exactly what it would have printed anyway.
 */

interface Fake {
  /** Requests of type "search" it received. */
  searches: number;
}

/**
 * A stand-in daemon at `socket` answering every search with `answer` (undefined: hang up). It
 * says it is alive when asked for its status, so a real daemon started by the CLI steps aside.
 */
async function fakeDaemon(t: TestContext, socket: string, answer: (n: number) => string | undefined): Promise<Fake> {
  const fake: Fake = { searches: 0 };
  const server = net.createServer((c) => {
    c.on('error', () => undefined);
    c.once('data', (d: Buffer) => {
      const req = JSON.parse(d.toString('utf8')) as { type: string };
      if (req.type === 'status') {
        c.end(JSON.stringify({ ok: true, type: 'status', status: { pid: 1, build: 'fake', startedAt: 'now', searches: 0, idleTimeoutSeconds: 600 } }) + '\n');
        return;
      }
      const a = answer(fake.searches++);
      if (a === undefined) c.destroy();
      else c.end(a);
    });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return fake;
}

async function home(t: TestContext): Promise<string> {
  const h = await tempDir(t, 'escher-fallback-');
  for (const args of [
    ['--name', 'Weekend RDS shutdown', '--description', 'Stop the Postgres databases on Friday evening', '--cloud', 'aws'],
    ['--name', 'Rotate IAM access keys', '--description', 'New access keys for service users', '--cloud', 'aws'],
  ]) assert.equal((await runCli(h, ['create', ...args])).code, 0);
  return h;
}

test('search daemon: garbage, a wrong shape, a hang-up or "failed" from the socket mean an in-process search with the same output', async (t) => {
  const h = await home(t);
  new DaemonWatch(t, h);
  const run = path.join(h, 'run');
  await fs.mkdir(run, { mode: 0o700 });
  const answers = [
    'not json at all\n',
    JSON.stringify({ ok: true, type: 'search', messages: [], outcome: { json: 'x', human: [] } }) + '\n',
    JSON.stringify({ ok: true, type: 'search', messages: [{ kind: 'shout', text: 'x' }], outcome: { json: [], human: [] } }) + '\n',
    JSON.stringify({ ok: true, type: 'status', status: {} }) + '\n',
    JSON.stringify({ ok: false, reason: 'failed' }) + '\n',
    '{"ok":true,"type":"search","messages":[],"outcome":{"json":[],"human":["cut off',
    undefined,
  ];
  const fake = await fakeDaemon(t, path.join(run, 'search.sock'), (n) => answers[n]);
  const expected = await runCli(h, ['search', 'weekend rds', '--json', '--no-daemon']);
  assert.equal(expected.code, 0);
  for (let i = 0; i < answers.length; i++) {
    assert.deepEqual(await runCli(h, ['search', 'weekend rds', '--json'], { env: DAEMON_ENV }), expected, `answer ${i}: ${String(answers[i])}`);
    assert.equal(fake.searches, i + 1, 'the fake was asked');
  }
});

test('search daemon: a socket reached through a symlink, or in a folder others may enter, is not used', async (t) => {
  const h = await home(t);
  new DaemonWatch(t, h);
  const elsewhere = await tempDir(t, 'escher-elsewhere-');
  await fs.chmod(elsewhere, 0o700);
  const lie = JSON.stringify({ ok: true, type: 'search', messages: [], outcome: { json: [{ planted: true }], human: ['planted'] } }) + '\n';
  const fake = await fakeDaemon(t, path.join(elsewhere, 'search.sock'), () => lie);
  const expected = await runCli(h, ['search', 'weekend rds', '--json', '--no-daemon']);
  const run = path.join(h, 'run');

  // The socket itself a symlink to the fake's.
  await fs.mkdir(run, { mode: 0o700 });
  await fs.symlink(path.join(elsewhere, 'search.sock'), path.join(run, 'search.sock'));
  assert.deepEqual(await runCli(h, ['search', 'weekend rds', '--json'], { env: DAEMON_ENV }), expected, 'symlinked socket');
  // The folder a symlink to the fake's folder.
  await fs.rm(run, { recursive: true });
  await fs.symlink(elsewhere, run);
  assert.deepEqual(await runCli(h, ['search', 'weekend rds', '--json'], { env: DAEMON_ENV }), expected, 'symlinked folder');
  // The fake's own folder, opened to others.
  await fs.rm(run);
  await fs.chmod(elsewhere, 0o755);
  await fs.rename(elsewhere, run);
  assert.deepEqual(await runCli(h, ['search', 'weekend rds', '--json'], { env: DAEMON_ENV }), expected, 'folder others may enter');
  assert.equal(fake.searches, 0, 'the planted socket was never asked');
  assert.equal((await fs.lstat(run)).mode & 0o777, 0o755, 'nothing of ours was changed there');
});

test('search daemon: a socket left by a daemon that was killed means an in-process search, and the next daemon takes its place', async (t) => {
  const h = await home(t);
  const d = new DaemonWatch(t, h);
  const run = path.join(h, 'run');
  const socket = path.join(run, 'search.sock');
  await fs.mkdir(run, { mode: 0o700 });
  const killed = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)})`], { stdio: 'ignore' });
  t.after(() => killed.kill('SIGKILL'));
  while (!existsSync(socket)) await new Promise((r) => setTimeout(r, 20));
  killed.kill('SIGKILL');
  await new Promise((r) => killed.once('exit', r));
  assert.ok(existsSync(socket), 'a killed process leaves its socket behind');

  const expected = await runCli(h, ['search', 'weekend rds', '--json', '--no-daemon']);
  assert.deepEqual(await d.search(['weekend rds', '--json']), expected);
  const { pid } = await d.running();
  assert.ok(pid > 0);
  assert.deepEqual(await d.search(['weekend rds', '--json']), expected);
  assert.equal((await d.status()).searches, 1, 'answered by the new daemon');
});
