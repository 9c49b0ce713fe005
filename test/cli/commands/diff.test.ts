import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { serverCli } from '../../helpers/cli-main';
import { tempDir } from '../../helpers/temp-dir';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** escher-playbook diff as a user runs it: stored versions, and the real reference server on loopback. */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const home = (t: TestContext): Promise<string> => tempDir(t, 'escher-cli-diff-');
const { cli, ok } = serverCli(() => s.url, TEST_TENANT, TEST_TOKEN);

async function script(h: string, name: string, text: string): Promise<string> {
  await fs.writeFile(path.join(h, name), text);
  return `shell/run.sh=${path.join(h, name)}`;
}

interface Comparison {
  from: { label: string; source: string };
  to: { label: string; source: string };
  files: Array<{ path: string; change: string; patch?: string; added_lines?: number; removed_lines?: number; sensitive?: boolean }>;
}

test('diff: latest against the previous version, V1 against the latest, V1 against V2; unified text and --json agree', async (t) => {
  const h = await home(t);
  await ok(h, ['create', '--id', 'df', '--name', 'Diff me', '--description', 'one', '--script', await script(h, 'a', '#!/bin/sh\necho one\n')]);
  await ok(h, ['update', 'df', '--description', 'two']);
  await ok(h, ['update', 'df', '--script', await script(h, 'b', '#!/bin/sh\necho three\n')]);
  const text = await ok(h, ['diff', 'df']);
  assert.match(text, /^--- v1\.0\.1\/metadata\.json\n\+\+\+ v1\.0\.2\/metadata\.json\n/);
  assert.match(text, /\n--- v1\.0\.1\/shell\/run\.sh\n\+\+\+ v1\.0\.2\/shell\/run\.sh\n@@ -1,2 \+1,2 @@\n #!\/bin\/sh\n-echo one\n\+echo three\n/);
  assert.doesNotMatch(text, /"description"/, 'the description did not change between v1.0.1 and v1.0.2');
  const json = JSON.parse(await ok(h, ['--json', 'diff', 'df', 'v1.0.0'])) as Comparison;
  assert.deepEqual([json.from.label, json.to.label], ['v1.0.0', 'v1.0.2']);
  assert.deepEqual(
    json.files.map((f) => [f.path, f.change, f.added_lines, f.removed_lines]),
    [
      ['metadata.json', 'modified', 5, 5],
      ['shell/run.sh', 'modified', 1, 1],
    ],
  );
  assert.match(json.files[0]!.patch ?? '', /- {2}"description": "one",\n\+ {2}"description": "two",/);
  const pair = JSON.parse(await ok(h, ['--json', 'diff', 'df', '1.0.0', '1.0.1'])) as Comparison;
  assert.deepEqual(pair.files.map((f) => f.path), ['metadata.json'], 'only the description changed from v1.0.0 to v1.0.1');
  assert.match(await ok(h, ['diff', 'df', '1.0.1', '1.0.1']), /^no differences between df v1\.0\.1 and v1\.0\.1\n$/);
});

test('diff escapes control characters of a script, shows only that a sensitive script changed, and never its ciphertext', async (t) => {
  const h = await home(t);
  await fs.writeFile(path.join(h, 'k'), 'KEY=one\n');
  await ok(h, ['create', '--id', 'df-esc', '--name', 'Esc', '--description', 'x', '--script', await script(h, 'a', 'echo ok\n'), '--secret-script', `shell/key.sh=${path.join(h, 'k')}`]);
  await fs.writeFile(path.join(h, 'k'), 'KEY=two\n');
  await ok(h, ['update', 'df-esc', '--script', await script(h, 'b', 'echo \x1b]52;c;ZXZpbA==\x07owned\n'), '--secret-script', `shell/key.sh=${path.join(h, 'k')}`]);
  const text = await ok(h, ['diff', 'df-esc']);
  assert.ok(!text.includes('\x1b') && !text.includes('\x07'), 'no raw escape reaches the terminal');
  assert.match(text, /\+echo \\x1b\]52;c;ZXZpbA==\\x07owned/);
  assert.match(text, /sensitive script shell\/key\.sh modified \(content never shown; sha256 [0-9a-f]{12} → [0-9a-f]{12}\)/);
  assert.doesNotMatch(text, /KEY=|"ct"/);
  const json = JSON.parse(await ok(h, ['--json', 'diff', 'df-esc'])) as Comparison;
  const key = json.files.find((f) => f.path === 'shell/key.sh') as Record<string, unknown> | undefined;
  assert.deepEqual(Object.keys(key ?? {}).sort(), ['change', 'new_sha256', 'old_sha256', 'path', 'sensitive'], 'no content, no patch');
});

test('diff faults: unknown id or version, a single version, --server with two versions', async (t) => {
  const h = await home(t);
  await ok(h, ['create', '--id', 'df-one', '--name', 'One', '--description', 'x', '--script', await script(h, 'a', 'echo\n')]);
  const single = await cli(h, ['diff', 'df-one']);
  assert.equal(single.code, 3);
  assert.match(single.stderr, /df-one has no version before v1\.0\.0 to compare with/);
  const unknown = await cli(h, ['diff', 'nope']);
  assert.equal(unknown.code, 3);
  const version = await cli(h, ['diff', 'df-one', '9.9.9']);
  assert.equal(version.code, 3);
  assert.match(version.stderr, /has no version 9\.9\.9 \(available: 1\.0\.0\)/);
  const bad = await cli(h, ['diff', 'df-one', 'latest']);
  assert.equal(bad.code, 2);
  const both = await cli(h, ['diff', 'df-one', '1.0.0', '1.0.0', '--server']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /name at most one version/);
  const noServer = await cli(h, ['diff', 'df-one', '--server'], { ESCHER_SERVER_URL: '' });
  assert.equal(noServer.code, 6);
});

test('diff --server: a local edit against the server copy; the script comes verified (a tampered cache entry is evicted and fetched again)', async (t) => {
  const h = await home(t);
  await ok(h, ['create', '--id', 'df-srv', '--name', 'Server', '--description', 'x', '--script', await script(h, 'a', '#!/bin/sh\necho server\n')]);
  await ok(h, ['publish', 'df-srv', '--trusted']);
  assert.match(await ok(h, ['diff', 'df-srv', '--server']), /^no differences between df-srv v1\.0\.1 and server\/v1\.0\.1\n$/);
  await ok(h, ['update', 'df-srv', '--script', await script(h, 'b', '#!/bin/sh\necho local\n')]);
  const first = JSON.parse(await ok(h, ['--json', 'diff', 'df-srv', '--server'])) as Comparison;
  assert.deepEqual([first.from.label, first.to.label, first.to.source], ['v1.0.2', 'server/v1.0.1', 'server']);
  const patch = first.files.find((f) => f.path === 'shell/run.sh')?.patch ?? '';
  assert.match(patch, /-echo local\n\+echo server\n/);
  // The server's script is in the cache now: tamper with it.
  const cached = await findFile(path.join(h, 'cache', 'scripts'), 'run.sh');
  assert.ok(cached, 'the server script was cached');
  await fs.chmod(cached, 0o644).catch(() => undefined);
  await fs.writeFile(cached, '#!/bin/sh\necho evil\n');
  const again = await cli(h, ['--json', 'diff', 'df-srv', '--server']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /evil/);
  assert.match((JSON.parse(again.stdout) as Comparison).files.find((f) => f.path === 'shell/run.sh')?.patch ?? '', /\+echo server\n/);
  assert.match(again.stderr, /evicting it/);
  // V1 against the server's copy of that same version.
  assert.match(await ok(h, ['diff', 'df-srv', '1.0.1', '--server']), /^no differences between df-srv v1\.0\.1 and server\/v1\.0\.1/);
  const missing = await cli(h, ['diff', 'df-srv', '1.0.2', '--server']);
  assert.equal(missing.code, 3, missing.stderr);
  assert.match(missing.stderr, /not found on the server/);
});

test('diff --server with the server down exits 7; a server answering garbage exits 7 and prints none of it', async (t) => {
  const h = await home(t);
  await ok(h, ['create', '--id', 'df-down', '--name', 'Down', '--description', 'x', '--script', await script(h, 'a', 'echo\n')]);
  const down = await cli(h, ['diff', 'df-down', '--server'], { ESCHER_SERVER_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 7, down.stderr);
  const garbage = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"source":"tenant","metadata":{"playbook_id":"\u001b[2Jdf-down"}}');
  });
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => garbage.close(() => r())));
  const url = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
  const bad = await cli(h, ['diff', 'df-down', '--server'], { ESCHER_SERVER_URL: url });
  assert.equal(bad.code, 7, bad.stderr);
  assert.ok(!bad.stderr.includes('\x1b'), bad.stderr);
  assert.equal(bad.stdout, '');
});

test("a version pulled from the server keeps the server's timestamps: diff --server right after pull (and after a sync) shows no difference", async (t) => {
  const author = await home(t);
  const other = await home(t);
  await ok(author, ['create', '--id', 'df-pull', '--name', 'Pulled', '--description', 'x', '--script', await script(author, 'a', 'echo one\n')]);
  await ok(author, ['publish', 'df-pull', '--trusted']);
  // Later on the other machine: its clock has moved on, the version it writes must not say so.
  await ok(other, ['pull', 'df-pull']);
  assert.match(await ok(other, ['diff', 'df-pull', '--server']), /^no differences between df-pull v1\.0\.1 and server\/v1\.0\.1\n$/);
  // A newer version from the server (the fast-forward path) keeps its timestamps too.
  await ok(author, ['update', 'df-pull', '--script', await script(author, 'b', 'echo two\n')]);
  await ok(author, ['sync']);
  await ok(other, ['sync']);
  assert.match(await ok(other, ['diff', 'df-pull', '--server']), /^no differences between df-pull v1\.0\.2 and server\/v1\.0\.2\n$/);
  const mine = JSON.parse(await fs.readFile(path.join(other, 'playbooks', 'synced', 'df-pull', 'v1.0.2', 'metadata.json'), 'utf8')) as { updated_at: string; created_at: string };
  const theirs = JSON.parse(await fs.readFile(path.join(author, 'playbooks', 'synced', 'df-pull', 'v1.0.2', 'metadata.json'), 'utf8')) as { updated_at: string; created_at: string };
  assert.deepEqual([mine.created_at, mine.updated_at], [theirs.created_at, theirs.updated_at]);
});

async function findFile(dir: string, name: string): Promise<string | undefined> {
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const found = await findFile(p, name);
      if (found) return found;
    } else if (e.name === name) return p;
  }
  return undefined;
}
