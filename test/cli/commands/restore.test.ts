import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { serverCli } from '../../helpers/cli-main';
import { tempDir } from '../../helpers/temp-dir';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** escher-playbook restore as a user runs it: a published version changed on disk, put back from the real reference server on loopback. */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const ORIGINAL = '#!/bin/sh\necho restore me\n';

const home = (t: TestContext): Promise<string> => tempDir(t, 'escher-cli-restore-');
const { cli, ok } = serverCli(() => s.url, TEST_TENANT, TEST_TOKEN);

/** A playbook `id` published (so v1.0.1 in synced/, on the server), with its run.sh then rewritten on disk as another editor would. */
async function publishedThenChanged(t: TestContext, id: string, extra: string[] = []): Promise<{ h: string; file: string; dir: string }> {
  const h = await home(t);
  await fs.writeFile(path.join(h, 'run.sh'), ORIGINAL);
  await ok(h, ['create', '--id', id, '--name', id, '--description', 'x', '--script', `shell/run.sh=${path.join(h, 'run.sh')}`, ...extra]);
  await ok(h, ['publish', id, '--trusted']);
  const dir = path.join(h, 'playbooks', 'synced', id, 'v1.0.1');
  const file = path.join(dir, 'shell', 'run.sh');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, '#!/bin/sh\necho changed by hand\n');
  return { h, file, dir };
}

interface Restored {
  playbook_id: string;
  version: string;
  restored: string[];
}

test('restore puts the published file back byte for byte, read-only again; status and publish name restore before; nothing to do after', async (t) => {
  const { h, file } = await publishedThenChanged(t, 'rs-ok');
  const status = await ok(h, ['status']);
  assert.match(status, /rs-ok v1\.0\.1 \(synced\): shell\/run\.sh\n {4}versions are immutable: put the server's copy back with `escher-playbook restore rs-ok`/);
  const pub = await cli(h, ['publish', 'rs-ok', '--trusted']);
  assert.equal(pub.code, 5, pub.stderr);
  assert.match(pub.stderr, /escher-playbook restore ID/);
  const run = await cli(h, ['run', 'rs-ok', '--dry-run']);
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, /escher-playbook restore ID/);

  const r = JSON.parse(await ok(h, ['--json', 'restore', 'rs-ok'])) as Restored;
  assert.deepEqual([r.playbook_id, r.version, r.restored], ['rs-ok', '1.0.1', ['shell/run.sh']]);
  assert.equal(await fs.readFile(file, 'utf8'), ORIGINAL);
  assert.equal((await fs.stat(file)).mode & 0o777, 0o555, 'read-only again, as the store writes shell scripts');
  assert.deepEqual((await fs.readdir(path.dirname(file))).filter((n) => n.startsWith('.')), [], 'no temp file left');
  assert.match(await ok(h, ['status']), /modified on disk: 0\n/);
  assert.match(await ok(h, ['restore', 'rs-ok', 'v1.0.1']), /^nothing to restore: rs-ok v1\.0\.1 matches its metadata\.json\n$/);
  assert.match(await ok(h, ['run', 'rs-ok', '--dry-run']), /restore me/);
});

test('restore recreates a missing file and replaces a symlink planted in place of one; the link target outside is untouched', async (t) => {
  const h = await home(t);
  await fs.writeFile(path.join(h, 'a.sh'), 'echo a\n');
  await fs.writeFile(path.join(h, 'b.sh'), 'echo b\n');
  await ok(h, ['create', '--id', 'rs-link', '--name', 'Link', '--description', 'x', '--script', `shell/a.sh=${path.join(h, 'a.sh')}`, '--script', `shell/b.sh=${path.join(h, 'b.sh')}`]);
  await ok(h, ['publish', 'rs-link', '--trusted']);
  const dir = path.join(h, 'playbooks', 'synced', 'rs-link', 'v1.0.1', 'shell');
  const outside = path.join(h, 'outside.txt');
  await fs.writeFile(outside, 'precious\n');
  await fs.rm(path.join(dir, 'a.sh'), { force: true });
  await fs.rm(path.join(dir, 'b.sh'), { force: true });
  await fs.symlink(outside, path.join(dir, 'b.sh'));
  const r = JSON.parse(await ok(h, ['--json', 'restore', 'rs-link', '1.0.1'])) as Restored;
  assert.deepEqual(r.restored.sort(), ['shell/a.sh', 'shell/b.sh']);
  assert.equal(await fs.readFile(path.join(dir, 'a.sh'), 'utf8'), 'echo a\n');
  const b = await fs.lstat(path.join(dir, 'b.sh'));
  assert.ok(b.isFile() && !b.isSymbolicLink(), 'a real file where the symlink was');
  assert.equal(await fs.readFile(path.join(dir, 'b.sh'), 'utf8'), 'echo b\n');
  assert.equal(await fs.readFile(outside, 'utf8'), 'precious\n', 'the symlink was never followed');
});

test('a sensitive script is restored still encrypted at rest', async (t) => {
  const h = await home(t);
  await fs.writeFile(path.join(h, 'k.sh'), 'SECRET_TOKEN=hunter2\n');
  await fs.writeFile(path.join(h, 'run.sh'), ORIGINAL);
  await ok(h, ['create', '--id', 'rs-sec', '--name', 'Sec', '--description', 'x', '--script', `shell/run.sh=${path.join(h, 'run.sh')}`, '--secret-script', `shell/k.sh=${path.join(h, 'k.sh')}`]);
  await ok(h, ['publish', 'rs-sec', '--trusted']);
  const file = path.join(h, 'playbooks', 'synced', 'rs-sec', 'v1.0.1', 'shell', 'k.sh');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, 'SECRET_TOKEN=stolen\n');
  const r = JSON.parse(await ok(h, ['--json', 'restore', 'rs-sec'])) as Restored;
  assert.deepEqual(r.restored, ['shell/k.sh']);
  const onDisk = await fs.readFile(file, 'utf8');
  assert.doesNotMatch(onDisk, /hunter2|SECRET_TOKEN/, 'never plaintext on disk');
  assert.match(onDisk, /"ct":/, 'an encrypted envelope');
  assert.equal((await fs.stat(file)).mode & 0o777, 0o444);
  assert.match(await ok(h, ['status']), /modified on disk: 0\n/, 'it decrypts to the recorded SHA-256');
});

test('a version never published is refused with the way out (draft, or delete); nothing changes', async (t) => {
  const h = await home(t);
  await fs.writeFile(path.join(h, 'run.sh'), ORIGINAL);
  await ok(h, ['create', '--id', 'rs-local', '--name', 'Local', '--description', 'x', '--script', `shell/run.sh=${path.join(h, 'run.sh')}`]);
  const file = path.join(h, 'playbooks', 'local', 'rs-local', 'v1.0.0', 'shell', 'run.sh');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, 'echo mine\n');
  const r = await cli(h, ['restore', 'rs-local']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /rs-local v1\.0\.0 is not on the server, so it cannot be restored from there/);
  assert.match(r.stderr, /escher-playbook draft ID` then `escher-playbook draft commit ID`, or delete the version/);
  assert.equal(await fs.readFile(file, 'utf8'), 'echo mine\n');
  assert.match(await ok(h, ['status']), /rs-local v1\.0\.0 \(local\): shell\/run\.sh\n {4}versions are immutable: keep the change/);
});

test("the server's copy recording other scripts (metadata.json edited by hand) is refused: exit 4, nothing changes", async (t) => {
  const { h, file, dir } = await publishedThenChanged(t, 'rs-differs');
  const metaFile = path.join(dir, 'metadata.json');
  const meta = JSON.parse(await fs.readFile(metaFile, 'utf8')) as { scripts: Array<{ sha256: string }> };
  meta.scripts[0]!.sha256 = 'f'.repeat(64);
  await fs.chmod(metaFile, 0o644);
  await fs.writeFile(metaFile, JSON.stringify(meta, null, 2));
  const r = await cli(h, ['restore', 'rs-differs', '1.0.1']);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /The server's copy of rs-differs v1\.0\.1 records other scripts than this one's metadata\.json/);
  assert.match(r.stderr, /escher-playbook diff ID VERSION --server/);
  assert.equal(await fs.readFile(file, 'utf8'), '#!/bin/sh\necho changed by hand\n');
});

test('server 500, garbage, down, or a corrupt download: a clear error, exit 7 / 5, and the changed file stays as it was', async (t) => {
  const { h, file } = await publishedThenChanged(t, 'rs-faults');
  const unchanged = async () => assert.equal(await fs.readFile(file, 'utf8'), '#!/bin/sh\necho changed by hand\n');
  s.setFault('status500', { match: '/api/playbooks/rs-faults' });
  t.after(() => s.clearFaults());
  const e500 = await cli(h, ['restore', 'rs-faults']);
  s.clearFaults();
  assert.equal(e500.code, 7, e500.stderr);
  await unchanged();

  s.setFault('corrupt');
  const corrupt = await cli(h, ['restore', 'rs-faults']);
  s.clearFaults();
  assert.equal(corrupt.code, 5, corrupt.stderr);
  assert.match(corrupt.stderr, /run\.sh does not match its SHA-256/);
  await unchanged();

  const down = await cli(h, ['restore', 'rs-faults'], { ESCHER_SERVER_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 7, down.stderr);
  await unchanged();

  const garbage = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"source":"tenant","metadata":{"playbook_id":"\u001b[2Jrs-faults"}}');
  });
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => garbage.close(() => r())));
  const bad = await cli(h, ['restore', 'rs-faults'], { ESCHER_SERVER_URL: `http://127.0.0.1:${(garbage.address() as AddressInfo).port}` });
  assert.equal(bad.code, 7, bad.stderr);
  assert.ok(!bad.stderr.includes('\x1b'), 'nothing of the garbage reaches the terminal raw');
  await unchanged();

  // The same home restores once the server behaves: the failures left nothing in the way.
  assert.deepEqual((JSON.parse(await ok(h, ['--json', 'restore', 'rs-faults'])) as Restored).restored, ['shell/run.sh']);
  assert.equal(await fs.readFile(file, 'utf8'), ORIGINAL);
});

test('Save Changes as New Version: a draft of the changed published version becomes v1.0.2 with the change, and v1.0.1 is restored from the server', async (t) => {
  const { h, file } = await publishedThenChanged(t, 'rs-draft');
  const opened = await cli(h, ['draft', 'rs-draft']);
  assert.equal(opened.code, 0, opened.stderr);
  assert.match(opened.stderr, /shell\/run\.sh was changed in the stored v1\.0\.1: the draft holds the changed file/);
  const saved = JSON.parse(await ok(h, ['--json', 'draft', 'commit', 'rs-draft'])) as { version: string; base: { version: string; state: string; files: string[] } };
  assert.deepEqual([saved.version, saved.base], ['1.0.2', { version: '1.0.1', state: 'restored', files: ['shell/run.sh'] }]);
  assert.equal(await ok(h, ['show', 'rs-draft', '--script', 'shell/run.sh']), '#!/bin/sh\necho changed by hand\n', 'the change lives on in the new version');
  assert.equal(await fs.readFile(file, 'utf8'), ORIGINAL, 'the published version is itself again');
  assert.match(await ok(h, ['status']), /modified on disk: 0\n/);
});
