import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { HttpEscherApi } from '../../../src/core/escher-api/client';
import { contentHash } from '../../../src/core/escher-api/content-hash';
import type { FetchedMetadata, PublishedMetadata } from '../../../src/core/escher-api/types';
import type { ScriptServer } from '../../../src/core/script-manager/script-downloader';
import { createScriptManager } from '../../../src/core/script-manager/create';
import { systemClock } from '../../../src/core/shared/clock';
import { resolveConfig } from '../../../src/core/shared/config';
import { EscherError, ValidationError } from '../../../src/core/shared/errors';
import { silentLogger } from '../../../src/core/shared/logger';
import { listFiles, makeManager, tempDir } from './fixtures';

/**
 * A hostile (or broken) server must not make us write outside the cache. A real HTTP server on
 * loopback serves crafted metadata and tickets; the real client talks to it. Each payload is also
 * fed straight to the script manager (bypassing the client's schema check) to prove the script
 * manager's own validation holds on its own.
 */
const SHA = 'a'.repeat(64);

function metadata(id: string, scripts: Array<{ path: string; s3_path?: string; format?: string }>): FetchedMetadata {
  const m = {
    schema_version: 1,
    playbook_id: id,
    version: '1.0.0',
    name: 'Hostile',
    description: 'crafted by a hostile server',
    keywords: [],
    cloud_provider: 'aws',
    resource_types: [],
    storage_strategy: 'uploaded_trusted',
    scripts: scripts.map((s) => ({ format: s.format ?? 'shell', path: s.path, sha256: SHA, size: 10, ...(s.s3_path ? { s3_path: s.s3_path } : {}) })),
    parameters: [],
    source: 'library',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  } as unknown as PublishedMetadata;
  m.content_hash = contentHash(m);
  return { source: 'library', metadata: m };
}

async function hostileServer(t: TestContext, answer: (url: URL) => unknown): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(url.pathname);
    const body = answer(url);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: { code: 'NOT_FOUND', message: 'no' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const CASES: Array<{ name: string; meta: FetchedMetadata }> = [
  { name: 's3_path with ".." segments', meta: metadata('evil', [{ path: 'shell/run.sh', s3_path: 's3://escher-library/playbooks/evil/1.0.0/shell/../../../../../../tmp/pwn.sh' }]) },
  { name: 's3_path naming another playbook', meta: metadata('evil', [{ path: 'shell/run.sh', s3_path: 's3://escher-library/playbooks/victim/1.0.0/shell/run.sh' }]) },
  { name: 's3_path with an absolute key', meta: metadata('evil', [{ path: 'shell/run.sh', s3_path: 's3://escher-library//etc/pwn.sh' }]) },
  { name: 's3_path percent-encoded traversal', meta: metadata('evil', [{ path: 'shell/run.sh', s3_path: 's3://escher-library/playbooks/evil/1.0.0/shell/%2e%2e/%2e%2e/pwn.sh' }]) },
  { name: 'script path escaping the version folder', meta: metadata('evil', [{ path: 'shell/../../../../pwn.sh', s3_path: 's3://escher-library/playbooks/evil/1.0.0/shell/run.sh' }]) },
  { name: 'absolute script path', meta: metadata('evil', [{ path: '/tmp/pwn.sh', s3_path: 's3://escher-library/playbooks/evil/1.0.0/shell/run.sh' }]) },
  { name: 'script outside its format folder', meta: metadata('evil', [{ path: 'python/pwn.sh', format: 'shell', s3_path: 's3://escher-library/playbooks/evil/1.0.0/python/pwn.sh' }]) },
  { name: 'metadata of another playbook', meta: metadata('victim', [{ path: 'shell/run.sh', s3_path: 's3://escher-library/playbooks/victim/1.0.0/shell/run.sh' }]) },
];

for (const c of CASES) {
  test(`hostile server: ${c.name} is refused and nothing is written outside the cache`, async (t) => {
    const root = await tempDir(t, 'escher-hostile-');
    const srv = await hostileServer(t, (url) => (url.pathname.startsWith('/api/playbooks/evil/versions/') ? c.meta : undefined));
    const api = new HttpEscherApi({ serverUrl: srv.url, tenantId: 'acme', token: 't', retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    t.after(() => api.close());
    const { manager } = await makeManager(t, { api, home: path.join(root, 'home') });
    await assert.rejects(manager.resolveScript('evil', 'shell', '1.0.0'), (e: unknown) => e instanceof EscherError);
    assert.ok(!srv.hits.includes('/api/script/download'), 'no ticket was even requested');
    assert.ok(!srv.hits.some((h) => h.startsWith('/blob/')));
    assert.deepEqual((await listFiles(root)).filter((f) => /pwn|scripts\//.test(f)), [], 'no script file anywhere');

    // The script manager's own checks, with the client's schema validation out of the way.
    const stub = {
      fetchMetadata: async () => c.meta,
      requestDownload: async () => assert.fail('no ticket may be requested'),
      fetchStream: async () => assert.fail('no download'),
    } as unknown as ScriptServer;
    const direct = await makeManager(t, { home: path.join(root, 'home2') });
    const config = resolveConfig({ home: direct.home, serverUrl: srv.url }, {});
    const raw = createScriptManager(config, { store: direct.store, server: async () => stub, logger: silentLogger, clock: systemClock });
    await assert.rejects(raw.resolveScript('evil', 'shell', '1.0.0'), (e: unknown) => e instanceof ValidationError);
    assert.deepEqual((await listFiles(root)).filter((f) => /pwn|scripts\//.test(f)), []);
  });
}

test('downloadScript refuses a hostile s3_path before asking the server', async (t) => {
  const srv = await hostileServer(t, () => undefined);
  const api = new HttpEscherApi({ serverUrl: srv.url, tenantId: 'acme', token: 't' });
  t.after(() => api.close());
  const { manager } = await makeManager(t, { api });
  for (const bad of ['s3://escher-library/playbooks/../../../etc/passwd', 's3://escher-library/playbooks/x/1.0.0/shell/../../y', 's3://other-bucket/playbooks/x/1.0.0/shell/a.sh', '/etc/passwd', 's3://escher-library/playbooks/x/1.0.0/notaformat/a.sh']) {
    await assert.rejects(manager.downloadScript(bad), (e: unknown) => e instanceof ValidationError, bad);
  }
  assert.deepEqual(srv.hits, []);
});
