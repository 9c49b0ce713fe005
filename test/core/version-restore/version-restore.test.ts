import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { ticketScriptFetcher } from '../../../src/core/metadata-publisher/script-fetcher';
import type { StoreChange } from '../../../src/core/playbook-store/types';
import { VersionRestore } from '../../../src/core/version-restore/version-restore';
import { startTestServer, type TestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput, type TestHome } from '../metadata-publisher/harness';

/** Restore from the server in the core: a real store, the real reference server on loopback, its verified download path. */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

function restorer(h: TestHome, serverUrl = s.url): VersionRestore {
  const api = serverUrl === s.url ? h.api : s.client({ serverUrl, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
  return new VersionRestore({ store: h.store, server: () => Promise.resolve({ api, fetchScript: ticketScriptFetcher(api, serverUrl) }) });
}

/** `id` published to the server (synced/ v1.0.0), then its shell script rewritten on disk. */
async function published(t: TestContext, id: string): Promise<{ h: TestHome; file: string }> {
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput(id, { area: 'synced' }));
  const report = await h.publisher.syncAllMetadata();
  assert.deepEqual(report.failed, []);
  const file = path.join(h.home, 'playbooks', 'synced', id, 'v1.0.0', 'shell', 'stop.sh');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, '#!/bin/sh\necho tampered\n');
  return { h, file };
}

test('restore rewrites only the damaged file from the server, tells the store listeners, and the version verifies again', async (t) => {
  const { h, file } = await published(t, 'vr-one');
  const py = path.join(h.home, 'playbooks', 'synced', 'vr-one', 'v1.0.0', 'python', 'stop.py');
  const pyBefore = await fs.stat(py);
  const changes: StoreChange[] = [];
  h.store.onDidChange((c) => changes.push(c));
  const r = await restorer(h).restore('vr-one');
  assert.deepEqual([r.version, r.area, r.restored], ['1.0.0', 'synced', ['shell/stop.sh']]);
  assert.equal(await fs.readFile(file, 'utf8'), '#!/bin/sh\necho stopping vr-one\n');
  assert.equal((await fs.stat(py)).ino, pyBefore.ino, 'an intact file is not rewritten');
  assert.deepEqual(await h.store.findModifiedFiles(await h.store.getPlaybook('vr-one')), []);
  assert.deepEqual(changes, [{ kind: 'updated', playbookId: 'vr-one', version: '1.0.0', area: 'synced' }]);
});

test('a format folder replaced by a symlink to a folder outside: the link goes, the folder outside is untouched', async (t) => {
  const { h } = await published(t, 'vr-dir');
  const shell = path.join(h.home, 'playbooks', 'synced', 'vr-dir', 'v1.0.0', 'shell');
  const outside = path.join(h.home, 'elsewhere');
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, 'stop.sh'), 'mine\n');
  await fs.rm(shell, { recursive: true, force: true });
  await fs.symlink(outside, shell);
  const r = await restorer(h).restore('vr-dir', '1.0.0');
  assert.deepEqual(r.restored, ['shell/stop.sh']);
  assert.ok((await fs.lstat(shell)).isDirectory(), 'a real folder again');
  assert.equal(await fs.readFile(path.join(shell, 'stop.sh'), 'utf8'), '#!/bin/sh\necho stopping vr-dir\n');
  assert.deepEqual(await fs.readdir(outside), ['stop.sh']);
  assert.equal(await fs.readFile(path.join(outside, 'stop.sh'), 'utf8'), 'mine\n');
});

test('bytes that do not match the metadata are refused by the store before anything is written', async (t) => {
  const { h, file } = await published(t, 'vr-bytes');
  await assert.rejects(h.store.restoreFiles('vr-bytes', '1.0.0', [{ path: 'shell/stop.sh', plain: Buffer.from('#!/bin/sh\necho evil\n') }]), { code: 'INTEGRITY' });
  assert.equal(await fs.readFile(file, 'utf8'), '#!/bin/sh\necho tampered\n');
  assert.deepEqual((await fs.readdir(path.dirname(file))).filter((n) => n.startsWith('.')), [], 'no temp file left');
});

test('settleBase after a draft was saved: clean, restored, kept (never published), restore-failed (server down)', async (t) => {
  const { h, file } = await published(t, 'vr-settle');
  const down = await restorer(h, 'http://127.0.0.1:9').settleBase('vr-settle', '1.0.0');
  assert.equal(down.state, 'restore-failed');
  assert.deepEqual(down.files, ['shell/stop.sh']);
  assert.equal(await fs.readFile(file, 'utf8'), '#!/bin/sh\necho tampered\n', 'nothing changed');
  const restored = await restorer(h).settleBase('vr-settle', '1.0.0');
  assert.deepEqual([restored.state, restored.files], ['restored', ['shell/stop.sh']]);
  assert.deepEqual((await restorer(h).settleBase('vr-settle', '1.0.0')).state, 'clean');

  await h.store.createPlaybook(playbookInput('vr-local', { area: 'local' }));
  const local = path.join(h.home, 'playbooks', 'local', 'vr-local', 'v1.0.0', 'shell', 'stop.sh');
  await fs.chmod(local, 0o644);
  await fs.writeFile(local, 'echo mine\n');
  const kept = await restorer(h).settleBase('vr-local', '1.0.0');
  assert.deepEqual([kept.state, kept.files], ['kept', ['shell/stop.sh']]);
  assert.equal(await fs.readFile(local, 'utf8'), 'echo mine\n');
});

test('a synced version the server does not have (written here after the last publish) is refused as not on the server', async (t) => {
  const { h } = await published(t, 'vr-newer');
  await restorer(h).restore('vr-newer');
  await h.store.updatePlaybook('vr-newer', { description: 'not sent yet' });
  const file = path.join(h.home, 'playbooks', 'synced', 'vr-newer', 'v1.0.1', 'shell', 'stop.sh');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, 'echo newer\n');
  await assert.rejects(restorer(h).restore('vr-newer'), (e: Error & { hintCode?: string }) => {
    assert.match(e.message, /vr-newer v1\.0\.1 is not on the server/);
    assert.equal(e.hintCode, 'version-not-on-server');
    return true;
  });
  assert.equal(await fs.readFile(file, 'utf8'), 'echo newer\n');
});
