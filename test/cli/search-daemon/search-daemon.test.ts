import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { CLI, json, runCli, type CliResult } from '../../helpers/cli';
import { DAEMON_ENV, DaemonWatch } from '../../helpers/search-daemon';
import { seededSearchHome } from '../../helpers/search-home';

/**
 * The background search daemon through the built CLI: what it prints must be exactly what the
 * in-process search prints, also after the store changed; anything wrong with it means an
 * in-process search, never a wrong or missing answer.
 */


/** Sends raw bytes to the daemon's socket and returns its answer. */
function ask(socket: string, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const c = net.createConnection(socket, () => c.write(raw));
    c.setEncoding('utf8').on('data', (d: string) => (out += d));
    c.on('error', reject);
    c.on('close', () => resolve(out));
  });
}

const same = (daemon: CliResult, inProcess: CliResult, what: string) => assert.deepEqual(daemon, inProcess, `${what}: the daemon's answer differs from the in-process search`);
const ids = (r: CliResult) => json<Array<{ playbook_id: string }>>(r).map((h) => h.playbook_id);

test('search daemon: started by the first search, then answers byte-identically to --no-daemon, and sees playbooks added, edited and deleted in between', async (t) => {
  const home = await seededSearchHome(t, 'escher-daemon-');
  const d = new DaemonWatch(t, home);
  const first = await d.search(['shut down db weekend', '--json']);
  same(first, await d.search(['shut down db weekend', '--json', '--no-daemon']), 'first search (in-process, starts the daemon)');
  let { searches } = await d.running();

  /** One search through the daemon (its count goes up by one) against the same search in-process. */
  const check = async (args: string[], what: string): Promise<CliResult> => {
    const viaDaemon = await d.search(args);
    const status = await d.status();
    assert.equal(status.searches, searches + 1, `${what}: answered by the daemon`);
    searches = status.searches!;
    same(viaDaemon, await d.search([...args, '--no-daemon']), what);
    return viaDaemon;
  };
  for (const args of [
    ['shut down db weekend', '--json'],
    ['rotate keys'],
    ['restart', '--cloud', 'azure', '--limit', '1', '--json'],
    ['keys', '--format', 'shell', '--json'],
    ['stop-db-instance'],
    ['zzzz qqqq', '--area', 'synced'],
    ['banana bread recipe'],
    ['weekend', '--source', 'local', '--json'],
  ]) {
    await check(args, args.join(' '));
  }
  // A global --json before the command, and a query with control characters (escaped alike).
  const control = ['--json', 'search', 'rds\u001b[31m weekend'];
  const viaDaemon = await runCli(home, control, { env: DAEMON_ENV });
  assert.equal((await d.status()).searches, ++searches, 'global --json: answered by the daemon');
  same(viaDaemon, await runCli(home, [...control, '--no-daemon']), 'global --json, control characters');

  // What the store warns about during a search (a playbook it cannot read) is printed alike, in order.
  const broken = path.join(home, 'playbooks', 'local', 'broken-one', 'v1.0.0');
  await fs.mkdir(broken, { recursive: true });
  await fs.writeFile(path.join(broken, 'metadata.json'), '{');
  for (const args of [['weekend'], ['weekend', '--json']]) {
    const r = await check(args, `unreadable playbook, ${args.join(' ')}`);
    assert.match(r.stderr, /broken-one/, 'the warning is there');
  }
  await fs.rm(path.join(home, 'playbooks', 'local', 'broken-one'), { recursive: true });
  // --verbose logs the index's progress as it goes: never through the daemon.
  const verbose = await runCli(home, ['--verbose', 'search', 'weekend'], { env: DAEMON_ENV });
  assert.equal((await d.status()).searches, searches, '--verbose: not asked');
  assert.match(verbose.stderr, /search index: /);

  // Requests it cannot read are refused, and it goes on serving.
  for (const bad of ['garbage\n', JSON.stringify({ protocol: 1, type: 'search', query: 1 }) + '\n', 'x'.repeat(70 * 1024)]) {
    assert.deepEqual(JSON.parse(await ask(path.join(home, 'run', 'search.sock'), bad)), { ok: false, reason: 'bad-request' });
  }

  // Added: found at once.
  assert.equal((await runCli(home, ['create', '--name', 'Drain ECS cluster', '--description', 'Move tasks off the container instances before patching', '--cloud', 'aws'])).code, 0);
  assert.equal(ids(await check(['drain ecs container', '--json'], 'after create'))[0], 'drain-ecs-cluster');
  // Edited: the new description is what matches.
  assert.equal((await runCli(home, ['update', 'restart-aks-node-pool', '--description', 'Cordon and reboot the flamingo nodes'])).code, 0);
  assert.equal(ids(await check(['flamingo', '--json'], 'after update'))[0], 'restart-aks-node-pool');
  // Deleted: gone from the results.
  assert.equal((await runCli(home, ['delete', 'rotate-iam-access-keys'])).code, 0);
  assert.ok(!ids(await check(['rotate iam access keys', '--json'], 'after delete')).includes('rotate-iam-access-keys'));
});

test('search daemon: `daemon status` and `daemon stop`; --no-daemon and ESCHER_SEARCH_DAEMON=0 neither ask nor start one; other settings make it step down', async (t) => {
  const home = await seededSearchHome(t, 'escher-daemon-');
  const d = new DaemonWatch(t, home);
  assert.equal((await runCli(home, ['daemon', 'status'], { env: DAEMON_ENV })).stdout, 'no search daemon is running for this home\n');
  assert.equal((await d.search(['weekend', '--no-daemon'])).code, 0);
  assert.equal((await d.search(['weekend'], { ESCHER_SEARCH_DAEMON: '0' })).code, 0);
  assert.ok(!existsSync(path.join(home, 'run')), 'no daemon folder: none was started');

  // Started with this search's environment, less the credentials a search never uses.
  assert.equal((await d.search(['weekend'], { ...DAEMON_ENV, ESCHER_TOKEN: 'tok-4711', AWS_SECRET_ACCESS_KEY: 'aws-4711', ESCHER_KEY: Buffer.alloc(32, 7).toString('base64') })).code, 0);
  const s1 = await d.running();
  if (process.platform === 'linux') {
    const environ = await fs.readFile(`/proc/${s1.pid}/environ`, 'utf8');
    assert.match(environ, /ESCHER_SEARCH_DAEMON=1/);
    assert.doesNotMatch(environ, /4711|ESCHER_KEY/);
  }
  const run = await fs.stat(path.join(home, 'run'));
  assert.equal(run.mode & 0o777, 0o700);
  assert.equal((await fs.stat(path.join(home, 'run', 'search.sock'))).mode & 0o777, 0o600);
  assert.match((await runCli(home, ['daemon', 'status'], { env: DAEMON_ENV })).stdout, new RegExp(`^search daemon running: pid ${s1.pid}, since .*, 0 search\\(es\\) answered; exits after 5 min without a search\\n$`));

  // Other settings (here a cache size): that daemon must not answer, it exits, and this search starts one with the new settings.
  const other = { ...DAEMON_ENV, ESCHER_CACHE_MAX_SIZE_MB: '77' };
  same(await d.search(['weekend', '--json'], other), await d.search(['weekend', '--json', '--no-daemon']), 'other settings');
  await d.gone(s1.pid);
  const s2 = await d.running(s1.pid);

  const stop = await runCli(home, ['daemon', 'stop'], { env: DAEMON_ENV });
  assert.equal(stop.stdout, `stopped the search daemon (pid ${s2.pid})\n`);
  await d.gone(s2.pid);
  assert.ok(!existsSync(path.join(home, 'run', 'search.sock')), 'the socket is removed');
  assert.deepEqual(json(await runCli(home, ['--json', 'daemon', 'stop'], { env: DAEMON_ENV })), { stopped: false, pid: null });
  assert.deepEqual(json(await runCli(home, ['--json', 'daemon', 'status'], { env: DAEMON_ENV })), { running: false });
});

test('search daemon: exits by itself after its idle time, removing its socket', async (t) => {
  const home = await seededSearchHome(t, 'escher-daemon-');
  // Started as `search` starts it, but as our child: its exit is awaited, not polled for.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ESCHER_')) env[k] = v;
  const child = spawn(process.execPath, [CLI, '--home', home, 'daemon', 'serve'], { env: { ...env, ESCHER_SEARCH_DAEMON_IDLE_SECONDS: '1' }, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0);
  assert.ok(existsSync(path.join(home, 'run')), 'it started');
  assert.ok(!existsSync(path.join(home, 'run', 'search.sock')), 'its socket is gone');
});
