import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { main } from '../../../src/cli/main';
import { contentHash } from '../../../src/core/escher-api/content-hash';
import { libraryS3Path, tenantS3Path } from '../../../src/core/escher-api/s3-path';
import type { PublishedMetadata } from '../../../src/core/escher-api/types';
import { ATTACKS, RAW_DANGER } from '../../helpers/terminal-attacks';
import { makeMetadata } from '../../dev-server/fixtures';

/**
 * A server that sends what it should not, for the library listing and the agent's search: the
 * entries that break the contract are skipped with a reason (the rest still shown), nothing of
 * theirs is printed raw or kept on disk, and a search answer with a hostile reference is refused
 * as a whole with one clear line.
 */
function libEntry(id: string, over: Partial<PublishedMetadata> = {}, rehash = true): Record<string, unknown> {
  const md = makeMetadata(id, '1.0.0', { 'shell/run.sh': 'echo run\n' }, { source: 'library', ...over } as Partial<PublishedMetadata>);
  const withPaths = { ...md, scripts: md.scripts.map((s) => ({ ...s, s3_path: s.s3_path ?? libraryS3Path(id, '1.0.0', s.path) })) };
  const metadata = rehash ? { ...withPaths, content_hash: contentHash(withPaths) } : withPaths;
  return { playbook_id: id, latest_version: '1.0.0', versions: ['1.0.0'], metadata, review_status: 'not_required' };
}

async function hostileServer(t: TestContext, search: unknown): Promise<string> {
  const good = libEntry('good-one');
  const items = [
    good,
    libEntry('evil-name', { name: `Innocent ${ATTACKS['OSC 52 clipboard write']}` }),
    { ...libEntry('wrong-hash'), metadata: { ...(libEntry('wrong-hash').metadata as object), description: 'changed after hashing' } },
    libEntry('tenant-path', { scripts: [{ format: 'shell', path: 'shell/run.sh', sha256: 'a'.repeat(64), size: 4, s3_path: tenantS3Path('globex', 'tenant-path', '1.0.0', 'shell/run.sh') }] } as Partial<PublishedMetadata>),
    { ...libEntry('other-id'), playbook_id: '../../etc' },
  ];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const bodies: Record<string, unknown> = { '/api/library': { items, next: null }, '/api/changes': { changes: [], next: 0, more: false }, '/api/playbooks/search': search };
    const body = bodies[url.pathname];
    if (body === undefined) res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NOT_FOUND","message":"no"}}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const streams = { stdout: { write: (x: string | Uint8Array) => (stdout += x.toString()) }, stderr: { write: (x: string) => (stderr += x) } };
  const code = await main(args, streams, env);
  assert.doesNotMatch(stdout, RAW_DANGER, `${args.join(' ')}: stdout`);
  assert.doesNotMatch(stderr, RAW_DANGER, `${args.join(' ')}: stderr`);
  return { code, stdout, stderr };
}

async function homeWith(t: TestContext, search: unknown): Promise<Record<string, string>> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-hostile-cat-'));
  t.after(() => fs.rm(home, { recursive: true, force: true }));
  return { ESCHER_HOME: home, ESCHER_SERVER_URL: await hostileServer(t, search), ESCHER_TENANT_ID: 'acme', ESCHER_TOKEN: 't' };
}

test('library listing: entries breaking the contract are skipped with a reason; the valid one is listed and kept', async (t) => {
  const env = await homeWith(t, { results: [] });
  const r = await cli(['--json', '--verbose', 'list', '--source', 'library'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as Array<{ playbook_id: string }>).map((e) => e.playbook_id), ['good-one']);
  assert.match(r.stderr, /evil-name: .*name/);
  assert.match(r.stderr, /wrong-hash: its content_hash is not the hash of its metadata/);
  assert.match(r.stderr, /tenant-path: script shell\/run\.sh is not stored in the library/);
  assert.match(r.stderr, /an entry without a valid id/);
  const kept = await fs.readFile(path.join(env.ESCHER_HOME!, 'cache', 'metadata', 'library', 'listing.json'), 'utf8');
  assert.doesNotMatch(kept, /evil-name|wrong-hash|tenant-path|\.\.\//);
});

test('search --server: a reference with a hostile id makes the answer invalid (one clear line, nothing resolved)', async (t) => {
  const env = await homeWith(t, { results: [{ playbook_id: '../../etc/passwd', version: '1.0.0', source: 'tenant', name: 'x', score: 1 }] });
  const r = await cli(['search', '--server', 'anything'], env);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /server search.*invalid shape/);
  const named = await homeWith(t, { results: [{ playbook_id: 'ok-id', version: '1.0.0', source: 'tenant', name: `evil ${Object.values(ATTACKS).join('')}`, score: 1 }] });
  const r2 = await cli(['search', '--server', 'anything'], named);
  assert.notEqual(r2.code, 0, 'a name with control characters breaks the contract');
  const fine = await homeWith(t, { results: [{ playbook_id: 'ok-id', version: '1.0.0', source: 'library', name: 'Fine \u200b name', score: 1 }] });
  const r3 = await cli(['search', '--server', 'anything'], fine);
  assert.equal(r3.code, 0, r3.stderr);
  assert.match(r3.stdout, /^1 +library +remote +- +ok-id +1\.0\.0 +Fine \\u200b name$/m);
});
