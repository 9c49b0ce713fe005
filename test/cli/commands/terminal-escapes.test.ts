import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { main } from '../../../src/cli/main';
import { ATTACKS, RAW_DANGER } from '../../helpers/terminal-attacks';

/**
 * What the CLI prints never carries a raw control character, whoever supplied the string: a
 * hostile server's error message (sync, then status), a folder name (show), an argument echoed in
 * an error, characters the metadata rules let through (list). Names and descriptions with control
 * characters are refused at validation (test/core/shared/text-rules.test.ts); this is the second
 * line: escaping on output.
 */
const HOSTILE = Object.values(ATTACKS).join(' | ');

async function tempDir(t: TestContext, name = 'escher-cli-esc-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), name));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const streams = { stdout: { write: (x: string | Uint8Array) => (stdout += x.toString()) }, stderr: { write: (x: string) => (stderr += x) } };
  const code = await main(args, streams, env);
  return { code, stdout, stderr };
}

function assertClean(r: { stdout: string; stderr: string }, what: string): void {
  assert.doesNotMatch(r.stdout, RAW_DANGER, `${what}: stdout`);
  assert.doesNotMatch(r.stderr, RAW_DANGER, `${what}: stderr`);
}

/** A server whose every answer is a 400 with a hostile message (bodies from a server are data, not text to obey). */
async function hostileServer(t: TestContext): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: HOSTILE } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('sync against a hostile server, then status: its message is shown escaped, never obeyed', async (t) => {
  const home = await tempDir(t);
  const env = { ESCHER_HOME: home, ESCHER_SERVER_URL: await hostileServer(t), ESCHER_TENANT_ID: 'acme', ESCHER_TOKEN: 't' };
  const sync = await cli(['sync'], env);
  assert.notEqual(sync.code, 0);
  assertClean(sync, 'sync');
  assert.match(sync.stdout + sync.stderr, /\\x1b\]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\x07/, 'the message is still readable, escaped');
  const status = await cli(['status'], env);
  assert.equal(status.code, 0, status.stderr);
  assertClean(status, 'status');
  assert.match(status.stdout, /\\x9b2Jcleared/);
  const asJson = await cli(['--json', 'status'], env);
  assertClean(asJson, 'status --json');
  assert.match(JSON.stringify(JSON.parse(asJson.stdout)), /\\u001b\]52/, 'the JSON still holds the exact message');
});

test('show: a folder name with escape sequences is printed escaped', async (t) => {
  const base = await tempDir(t);
  const home = path.join(base, `home\u001b]8;;https://evil.example/\u0007x\u009b2J`);
  const created = await cli(['create', '--id', 'rds-stop', '--name', 'Stop RDS', '--description', 'line one\n\tindented line two'], { ESCHER_HOME: home });
  assert.equal(created.code, 0, created.stderr);
  const show = await cli(['show', 'rds-stop'], { ESCHER_HOME: home });
  assert.equal(show.code, 0, show.stderr);
  assertClean(show, 'show');
  assert.match(show.stdout, /folder: +.*home\\x1b\]8;;https:\/+evil\.example\/\\x07x\\x9b2J/);
  assert.match(show.stdout, /\n {2}line one\n {2}\tindented line two\n/, 'a description keeps its newlines and tabs');
});

test('errors: an argument echoed back (commander or ours) is escaped', async (t) => {
  const home = await tempDir(t);
  for (const args of [['show', `x${ATTACKS['CSI cursor up and erase']}`], ['list', `--bogus${ATTACKS['OSC 8 hyperlink']}`], [`nope${ATTACKS['C1 CSI (8-bit)']}`]]) {
    const r = await cli(args, { ESCHER_HOME: home });
    assert.notEqual(r.code, 0, args.join(' '));
    assert.ok(r.stderr.length > 0, args.join(' '));
    assertClean(r, args.join(' '));
  }
});

test('list and search: invisible characters the metadata rules allow (zero-width space, BOM) are made visible', async (t) => {
  const home = await tempDir(t);
  const created = await cli(['create', '--id', 'pay', '--name', 'pay\u200bpal\ufeff', '--description', 'x'], { ESCHER_HOME: home });
  assert.equal(created.code, 0, created.stderr);
  const list = await cli(['list'], { ESCHER_HOME: home });
  assertClean(list, 'list');
  assert.match(list.stdout, /pay\\u200bpal\\ufeff/);
  const asJson = await cli(['--json', 'list'], { ESCHER_HOME: home });
  assertClean(asJson, 'list --json');
  assert.equal((JSON.parse(asJson.stdout) as Array<{ name: string }>)[0]?.name, 'pay\u200bpal\ufeff', 'JSON keeps the exact value');
  const search = await cli(['search', 'pay'], { ESCHER_HOME: home });
  assert.equal(search.code, 0, search.stderr);
  assertClean(search, 'search');
  assert.match(search.stdout, /1\. pay\\u200bpal\\ufeff {2}\(pay v1\.0\.0, local\)/);
});
