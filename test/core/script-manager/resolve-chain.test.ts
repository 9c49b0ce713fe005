import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { ConfigError, NotFoundError, ValidationError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { makeManager, writeLibraryPlaybook } from './fixtures';

/** Flow 3's order: local beats synced beats cache beats download, against the real store and server. */
let s: TestServer;
let libDir: string;
const SERVER_COPY = 'echo "server copy"\n';

before(async () => {
  libDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lib-'));
  await writeLibraryPlaybook(libDir, 'weekend-stop', '1.0.0', { 'shell/run.sh': SERVER_COPY });
  await writeLibraryPlaybook(libDir, 'lib-only', '1.0.0', { 'shell/run.sh': 'echo one\n', 'python/run.py': 'print(1)\n' });
  await writeLibraryPlaybook(libDir, 'lib-only', '1.2.0', { 'shell/run.sh': 'echo one-two\n' });
  await writeLibraryPlaybook(libDir, 'tf-module', '0.3.0', { 'terraform/main.tf': 'module "x" {}\n', 'terraform/variables.tf': 'variable "y" {}\n' });
  s = await startTestServer({ libraryDir: libDir });
});

after(async () => {
  await s.close();
  await fs.rm(libDir, { recursive: true, force: true });
});

beforeEach(() => s.server.resetRequests());

test('local beats synced beats cache beats download', async (t) => {
  const { manager, store, home } = await makeManager(t, { api: s.api });
  // The same id@version is on the server and in the cache, with other bytes than the user's copy.
  await manager.cacheScript({ playbookId: 'weekend-stop', version: '1.0.0', path: 'shell/run.sh' }, Buffer.from('echo "cached copy"\n'));
  await store.createPlaybook({ playbook_id: 'weekend-stop', name: 'Weekend stop', description: 'mine', scripts: [{ path: 'shell/run.sh', content: 'echo "my copy"\n' }] });

  const local = await manager.resolveScript('weekend-stop', 'shell', '1.0.0');
  assert.equal(local.source, 'local');
  assert.equal(local.path, path.join(home, 'playbooks', 'local', 'weekend-stop', 'v1.0.0', 'shell', 'run.sh'));
  assert.equal(await fs.readFile(local.path, 'utf8'), 'echo "my copy"\n');

  await store.movePlaybook('weekend-stop', 'synced');
  const synced = await manager.resolveScript('weekend-stop', 'shell');
  assert.equal(synced.source, 'synced');
  assert.equal(synced.path, path.join(home, 'playbooks', 'synced', 'weekend-stop', 'v1.0.0', 'shell', 'run.sh'));
  assert.equal(s.server.requests().length, 0, 'the store answers without asking the server');

  await store.deletePlaybook('weekend-stop');
  // Cached bytes that do not match the server's metadata are not the script: downloaded instead.
  const fromServer = await manager.resolveScript('weekend-stop', 'shell', '1.0.0');
  assert.equal(fromServer.source, 'download');
  assert.equal(await fs.readFile(fromServer.path, 'utf8'), SERVER_COPY);
  s.server.resetRequests();
  const cached = await manager.resolveScript('weekend-stop', 'shell', '1.0.0');
  assert.equal(cached.source, 'cache');
  assert.equal(cached.sha256, sha256(SERVER_COPY));
  assert.equal(s.server.requests().length, 0);
});

test('a playbook the user does not have: "latest" asks the server, a pinned version is served from cache metadata', async (t) => {
  const { manager, home } = await makeManager(t, { api: s.api });
  const latest = await manager.resolveScript('lib-only', 'shell');
  assert.equal(latest.version, '1.2.0');
  assert.equal(latest.source, 'download');
  const pinned = await manager.resolveScript('lib-only', 'python', '1.0.0');
  assert.equal(pinned.version, '1.0.0');
  assert.equal(await fs.readFile(pinned.path, 'utf8'), 'print(1)\n');
  const meta = JSON.parse(await fs.readFile(path.join(home, 'cache', 'metadata', 'playbooks', 'lib-only', '1.0.0.json'), 'utf8')) as { source: string };
  assert.equal(meta.source, 'library');
  s.server.resetRequests();
  assert.equal((await manager.resolveScript('lib-only', 'python', '1.0.0')).source, 'cache');
  assert.equal(s.server.requests().length, 0);
});

test('a multi-file format resolves to its folder with every file verified in it', async (t) => {
  const { manager, home } = await makeManager(t, { api: s.api });
  const r = await manager.resolveScript('tf-module', 'terraform', '0.3.0');
  assert.equal(r.path, path.join(home, 'cache', 'scripts', 'tf-module-v0.3.0', 'terraform'));
  assert.equal(r.sha256, null);
  assert.deepEqual((await fs.readdir(r.path)).sort(), ['main.tf', 'variables.tf']);
  assert.deepEqual(r.files.map((f) => f.path), ['terraform/main.tf', 'terraform/variables.tf']);
});

test('a sensitive store script is decrypted to a private 0600 file, never handed out as ciphertext', async (t) => {
  const { manager, store, home } = await makeManager(t, { api: s.api });
  const secret = 'export DB_PASSWORD=hunter2\n';
  const p = await store.createPlaybook({ playbook_id: 'secret-rotate', name: 'Rotate', description: 'rotates', scripts: [{ path: 'shell/rotate.sh', content: secret, sensitive: true }] });
  const onDisk = await fs.readFile(path.join(p.dir, 'shell', 'rotate.sh'));
  assert.notEqual(onDisk.toString(), secret, 'the store keeps ciphertext');
  const r = await manager.resolveScript('secret-rotate', 'shell');
  assert.equal(r.source, 'local');
  assert.ok(r.path.startsWith(path.join(home, 'run') + path.sep), r.path);
  assert.equal(await fs.readFile(r.path, 'utf8'), secret);
  assert.equal((await fs.stat(r.path)).mode & 0o777, 0o600);
  assert.equal((await fs.stat(path.join(home, 'run'))).mode & 0o777, 0o700);
});

test('clear errors: unknown format, unknown playbook, bad input, and no server configured', async (t) => {
  const { manager } = await makeManager(t, { api: s.api });
  await assert.rejects(manager.resolveScript('lib-only', 'terraform', '1.0.0'), (e: unknown) => e instanceof NotFoundError && /no terraform script/.test(e.message) && /shell, python|python, shell/.test(e.hint ?? ''));
  await assert.rejects(manager.resolveScript('nobody-has-this', 'shell'), (e: unknown) => e instanceof NotFoundError && /neither in your store nor on the server/.test(e.message));
  await assert.rejects(manager.resolveScript('../etc', 'shell'), (e: unknown) => e instanceof ValidationError);
  await assert.rejects(manager.resolveScript('lib-only', 'shell', '1.0'), (e: unknown) => e instanceof ValidationError);
  const offline = await makeManager(t);
  await assert.rejects(offline.manager.resolveScript('lib-only', 'shell', '1.0.0'), (e: unknown) => e instanceof ConfigError && e.hintCode === 'server-not-configured');
  // Put there by cacheScript, it resolves without any server.
  await offline.manager.cacheScript({ playbookId: 'lib-only', version: '1.0.0', path: 'shell/run.sh' }, Buffer.from('echo one\n'));
  assert.equal((await offline.manager.resolveScript('lib-only', 'shell', '1.0.0')).source, 'cache');
});

test('offline, "latest" falls back to the newest cached version of a playbook the user does not have', async (t) => {
  const { manager, home } = await makeManager(t, { api: s.api });
  await manager.resolveScript('lib-only', 'shell', '1.0.0');
  await manager.resolveScript('lib-only', 'shell'); // latest = 1.2.0
  const dead = s.client({ serverUrl: 'http://127.0.0.1:9', retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
  const offline = await makeManager(t, { api: dead, home });
  const r = await offline.manager.resolveScript('lib-only', 'shell');
  assert.equal(r.version, '1.2.0');
  assert.equal(r.source, 'cache');
  assert.equal(await fs.readFile(r.path, 'utf8'), 'echo one-two\n');
});
