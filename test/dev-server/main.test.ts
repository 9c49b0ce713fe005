import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { HttpEscherApi } from '../../src/core/escher-api/client';
import { ServerError } from '../../src/core/shared/errors';
import { publishNew, raw } from './fixtures';

/** The CLI as a user runs it: a separate process, URL on the first stdout line. */
const REPO = path.join(__dirname, '..', '..');
const MAIN = path.join(REPO, 'src', 'dev-server', 'main.ts');

function run(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    for await (const line of rl) return line;
    throw new Error('dev-server printed nothing');
  } finally {
    clearTimeout(timer);
    rl.close();
  }
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rm(d, { recursive: true, force: true }));
  return d;
}

test('prints its URL first, serves the API, persists across a SIGKILL, and stops on SIGTERM', async (t) => {
  const data = await tempDir(t, 'escher-cli-data-');
  const work = await tempDir(t, 'escher-cli-work-');
  const args = ['--port', '0', '--data', data, '--token', 'acme=tok-a', '--token', 'globex=tok-g'];
  const first = run(args);
  t.after(() => void first.kill('SIGKILL'));
  const url = await firstLine(first);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const api = new HttpEscherApi({ serverUrl: url, tenantId: 'acme', token: 'tok-a' });
  t.after(() => api.close());
  const { record } = await publishNew(api, work, 'rds-stop');
  api.close();
  first.kill('SIGKILL'); // no chance to flush anything: every acknowledged write must already be durable
  await once(first, 'exit');

  const second = run(args);
  t.after(() => void second.kill('SIGKILL'));
  const url2 = await firstLine(second);
  const api2 = new HttpEscherApi({ serverUrl: url2, tenantId: 'acme', token: 'tok-a' });
  t.after(() => api2.close());
  assert.deepEqual(await api2.getRecord('rds-stop'), record);
  const globex = new HttpEscherApi({ serverUrl: url2, tenantId: 'globex', token: 'tok-g' });
  t.after(() => globex.close());
  assert.equal(await globex.getRecord('rds-stop'), null);
  api2.close();
  globex.close();
  second.kill('SIGTERM');
  assert.equal((await exitOf(second)).code, 0);
});

test('--fault injects from the start (status500:count=1 fails exactly one request)', async (t) => {
  const data = await tempDir(t, 'escher-cli-fault-');
  const child = run(['--data', data, '--token', 'tok', '--fault', 'status500:count=1', '--admin-token', 'adm']);
  t.after(() => void child.kill('SIGKILL'));
  const url = await firstLine(child);
  const api = new HttpEscherApi({ serverUrl: url, tenantId: 'default', token: 'tok', retry: { retries: 0 } });
  t.after(() => api.close());
  await assert.rejects(api.getChanges(0), (e: unknown) => e instanceof ServerError && e.status === 500);
  assert.deepEqual(await api.getChanges(0), { changes: [], next: 0, more: false });
  // And at run time, through the admin endpoint.
  const set = await raw(url, 'POST', '/api/admin/faults', { token: 'adm', tenant: null, body: { name: 'garbage', count: 1 } });
  assert.equal(set.status, 200);
  await assert.rejects(api.getChanges(0), (e: unknown) => e instanceof ServerError && /invalid JSON/.test(e.message));
  assert.ok(await api.getChanges(0));
});

test('bad invocations exit non-zero with one clear line', async (t) => {
  const data = await tempDir(t, 'escher-cli-bad-');
  const noToken = await exitOf(run(['--data', data]));
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /--token-file FILE .*ESCHER_DEV_SERVER_TOKENS.*--token/);
  const badFault = await exitOf(run(['--data', data, '--token', 't', '--fault', 'meteor']));
  assert.notEqual(badFault.code, 0);
  assert.match(badFault.stderr, /unknown fault "meteor"/);
  const badTenant = await exitOf(run(['--data', data, '--token', 'Not A Tenant=t']));
  assert.equal(badTenant.code, 1);
  assert.match(badTenant.stderr, /tenant id/);
});

test('tenant tokens from a 0600 --token-file or ESCHER_DEV_SERVER_TOKENS stay out of the process list', async (t) => {
  const data = await tempDir(t, 'escher-cli-tokens-');
  const secret = 'tok-from-file-Zq9';
  const file = path.join(data, '..', `${path.basename(data)}.tokens`);
  await fs.writeFile(file, `# reference server tokens\nacme=${secret}\n`, { mode: 0o600 });
  t.after(() => fs.rm(file, { force: true }));
  for (const [how, args, env] of [
    ['--token-file', ['--data', data, '--token-file', file], process.env],
    ['ESCHER_DEV_SERVER_TOKENS', ['--data', data], { ...process.env, ESCHER_DEV_SERVER_TOKENS: `acme=${secret}` }],
  ] as const) {
    const child = run([...args], env);
    t.after(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await firstLine(child);
    const api = new HttpEscherApi({ serverUrl: url, tenantId: 'acme', token: secret });
    assert.deepEqual(await api.getChanges(0), { changes: [], next: 0, more: false }, how);
    api.close();
    // What `ps` shows: the command line of every process running the server.
    const cmdline = await fs.readFile(`/proc/${child.pid}/cmdline`, 'utf8').catch(() => '');
    assert.ok(cmdline.includes('--data') || cmdline === '', how);
    assert.ok(!cmdline.includes(secret), `${how}: the token is in the process list`);
    assert.doesNotMatch(stderr, /visible to other users/, `${how}: no warning`);
    child.kill('SIGTERM');
    assert.equal((await exitOf(child)).code, 0);
  }

  await fs.chmod(file, 0o644);
  const loose = await exitOf(run(['--data', data, '--token-file', file]));
  assert.equal(loose.code, 2);
  assert.match(loose.stderr, /Refusing to read .*\.tokens: its permissions are 0644.*chmod 600/);
  assert.ok(!loose.stderr.includes(secret));
  const bad = await exitOf(run(['--data', data], { ...process.env, ESCHER_DEV_SERVER_TOKENS: `${secret}=acme` }));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /ESCHER_DEV_SERVER_TOKENS, entry 1: the tenant id before "="/);
  assert.ok(!bad.stderr.includes(secret), 'a reversed TOKEN=TENANT is not echoed');
});

test('the admin token from a 0600 --admin-token-file stays out of the process list; a loose file, an empty one or two sources are refused', async (t) => {
  const data = await tempDir(t, 'escher-cli-admin-');
  const work = await tempDir(t, 'escher-cli-admin-work-');
  const secret = 'adm-from-file-Kx7';
  const file = path.join(work, 'admin-token');
  await fs.writeFile(file, `# reference server admin\n${secret}\n`, { mode: 0o600 });
  const env = { ...process.env, ESCHER_ADMIN_TOKEN: '' };
  const child = run(['--data', data, '--token', 'acme=tok-a', '--admin-token-file', file], env);
  t.after(() => void child.kill('SIGKILL'));
  const url = await firstLine(child);
  const faults = await raw(url, 'GET', '/api/admin/faults', { token: secret, tenant: null });
  assert.equal(faults.status, 200, faults.text);
  const tenantToken = await raw(url, 'GET', '/api/admin/faults', { token: 'tok-a', tenant: null });
  assert.equal(tenantToken.status, 403, 'a tenant token is not the admin');
  const cmdline = await fs.readFile(`/proc/${child.pid}/cmdline`, 'utf8').catch(() => '');
  assert.ok(!cmdline.includes(secret), 'the admin token is in the process list');
  child.kill('SIGTERM');
  assert.equal((await exitOf(child)).code, 0);

  await fs.chmod(file, 0o644);
  const loose = await exitOf(run(['--data', data, '--token', 'acme=tok-a', '--admin-token-file', file], env));
  assert.equal(loose.code, 2);
  assert.match(loose.stderr, /Refusing to read .*admin-token: its permissions are 0644.*chmod 600/);
  await fs.chmod(file, 0o600);
  const both = await exitOf(run(['--data', data, '--token', 'acme=tok-a', '--admin-token-file', file], { ...process.env, ESCHER_ADMIN_TOKEN: 'other' }));
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give the admin token once/);
  await fs.writeFile(file, '# nothing here\n', { mode: 0o600 });
  const empty = await exitOf(run(['--data', data, '--token', 'acme=tok-a', '--admin-token-file', file], env));
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /expected one line holding the token/);
  assert.ok(![loose, both, empty].some((r) => r.stderr.includes(secret)), 'the token is never echoed');
});

test('--print-openapi prints the committed document', async () => {
  const child = run(['--print-openapi']);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const { code } = await exitOf(child);
  assert.equal(code, 0);
  assert.equal(out, await fs.readFile(path.join(REPO, 'api', 'escher-server.openapi.yaml'), 'utf8'));
});

test('roles from the command line and the token file: --reviewer-token reviews, reviewer: in the file too, a token with two roles stops the start', async (t) => {
  const data = await tempDir(t, 'escher-cli-roles-');
  const work = await tempDir(t, 'escher-cli-roles-work-');
  const file = path.join(work, 'tokens');
  await fs.writeFile(file, 'acme=tok-author\nreviewer:acme=tok-rev-file\n', { mode: 0o600 });
  const child = run(['--data', data, '--token-file', file, '--reviewer-token', 'acme=tok-rev-argv']);
  t.after(() => void child.kill('SIGKILL'));
  const url = await firstLine(child);
  const author = new HttpEscherApi({ serverUrl: url, tenantId: 'acme', token: 'tok-author' });
  t.after(() => author.close());
  await publishNew(author, work, 'rds-stop', '1.0.0', undefined, { storage_strategy: 'uploaded_trusted' });
  assert.equal((await author.getRecord('rds-stop'))?.versions['1.0.0']?.review_status, 'pending');
  const byAuthor = await raw(url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { token: 'tok-author', body: { status: 'approved' } });
  assert.equal(byAuthor.status, 403);
  const byFileReviewer = await raw(url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { token: 'tok-rev-file', body: { status: 'rejected', comment: 'no' } });
  assert.equal(byFileReviewer.status, 200, byFileReviewer.text);
  const byArgvReviewer = await raw(url, 'POST', '/api/playbooks/rds-stop/versions/1.0.0/review', { token: 'tok-rev-argv', body: { status: 'approved' } });
  assert.equal(byArgvReviewer.status, 200, byArgvReviewer.text);
  author.close();
  child.kill('SIGTERM');
  assert.equal((await exitOf(child)).code, 0);

  const twice = await exitOf(run(['--data', data, '--token', 'acme=same', '--reviewer-token', 'acme=same']));
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /give each token one role/);
  assert.doesNotMatch(twice.stderr, /same/);
});
