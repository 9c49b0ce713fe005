import assert from 'node:assert/strict';
import * as http from 'node:http';
import { test } from 'node:test';
import fc from 'fast-check';
import Fastify from 'fastify';
import { guardRoutes } from '../../src/dev-server/access';
import { Authenticator } from '../../src/dev-server/auth';
import { ADMIN_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../helpers/dev-server';

/**
 * Authentication follows the route the router matched, not the raw URL: however a path is spelled
 * (any character percent-encoded, in either hex case, doubled or trailing slashes, letters in
 * another case), a request without a token never gets past a protected route, and a tenant's token
 * never reaches the admin routes. fast-check prints the seed and path of a failing run; replay it
 * with `fc.assert(..., { seed, path })`.
 */
const FILL: Record<string, string> = { id: 'rds-stop', version: '1.0.0', tenant: TEST_TENANT, sha: 'a'.repeat(64) };
const concrete = (pattern: string): string => pattern.replace(/:(\w+)/g, (_m, k: string) => FILL[k] ?? 'x');

type Edit = 'keep' | 'enc' | 'ENC' | 'case' | 'dup';
const edit = fc.oneof({ arbitrary: fc.constant<Edit>('keep'), weight: 12 }, { arbitrary: fc.constantFrom<Edit>('enc', 'ENC'), weight: 5 }, { arbitrary: fc.constantFrom<Edit>('case', 'dup'), weight: 1 });

function spell(p: string, edits: readonly Edit[], trailing: boolean): string {
  let out = '';
  [...p].forEach((ch, i) => {
    // The leading '/' stays: a request target that does not start with one is not a path at all (400).
    if (i === 0) return void (out += edits[0] === 'dup' ? '//' : '/');
    const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
    switch (edits[i % edits.length]) {
      case 'enc':
        out += `%${hex}`;
        break;
      case 'ENC':
        out += `%${hex.toUpperCase()}`;
        break;
      case 'case':
        out += ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
        break;
      case 'dup':
        out += ch === '/' ? '//' : ch;
        break;
      default:
        out += ch;
    }
  });
  return trailing ? out + '/' : out;
}

/** Sends exactly `rawPath` (no client normalises it) and returns the status. */
function send(base: string, method: string, rawPath: string, headers: Record<string, string> = {}): Promise<number> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: rawPath, headers: { ...headers, 'content-length': '0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const tenantHeaders = { authorization: `Bearer ${TEST_TOKEN}`, 'x-escher-tenant': TEST_TENANT };

async function server(t: { after(fn: () => Promise<void>): void }, adminToken: string | undefined): Promise<TestServer> {
  const s = await startTestServer({ adminToken });
  t.after(() => s.close());
  return s;
}

/** Every route, spelled every way, sent with `headers`: the statuses outside `allowed`. */
async function fuzz(s: TestServer, routes: ReadonlyArray<{ method: string; url: string }>, headers: Record<string, string>, allowed: number[]): Promise<void> {
  const paths = routes.map((r) => ({ method: r.method, path: concrete(r.url) }));
  const longest = Math.max(...paths.map((p) => p.path.length));
  await fc.assert(
    fc.asyncProperty(fc.array(edit, { minLength: longest, maxLength: longest }), fc.boolean(), async (edits, trailing) => {
      for (const { method, path } of paths) {
        const spelled = spell(path, edits, trailing);
        const status = await send(s.url, method, spelled, headers);
        assert.ok(allowed.includes(status), `${method} ${spelled} answered ${status}`);
      }
    }),
    {
      numRuns: 60,
      examples: [
        [Array<Edit>(longest).fill('keep'), false],
        [Array<Edit>(longest).fill('enc'), false],
        [Array<Edit>(longest).fill('ENC'), true],
      ],
    },
  );
}

test('the only route open without a token is GET /api/health', async (t) => {
  const s = await server(t, ADMIN_TOKEN);
  const open: string[] = [];
  for (const r of s.server.routes) if ((await send(s.url, r.method, concrete(r.url))) < 300) open.push(`${r.method} ${r.url}`);
  assert.deepEqual(open, ['GET /api/health']);
});

test('fuzz: without a token, every route under any spelling answers 401, 403 or 404', async (t) => {
  const s = await server(t, ADMIN_TOKEN);
  const guarded = s.server.routes.filter((r) => r.url !== '/api/health');
  assert.ok(guarded.length >= 15, 'the route table is read from the server');
  await fuzz(s, guarded, {}, [401, 403, 404]);
});

test('fuzz: a tenant token never reaches an admin route, however spelled', async (t) => {
  const s = await server(t, ADMIN_TOKEN);
  const admin = s.server.routes.filter((r) => r.url.startsWith('/api/admin/'));
  assert.equal(admin.length, 3);
  await fuzz(s, admin, tenantHeaders, [403, 404]);
  // The admin token itself still works.
  assert.equal(await send(s.url, 'GET', '/%61pi/admin/faults', { authorization: `Bearer ${ADMIN_TOKEN}` }), 200);
});

test('fuzz: with admin disabled, the admin routes answer 403 or 404 to anyone, however spelled', async (t) => {
  const s = await server(t, undefined);
  const admin = s.server.routes.filter((r) => r.url.startsWith('/api/admin/'));
  await fuzz(s, admin, {}, [403, 404]);
  await fuzz(s, admin, tenantHeaders, [403, 404]);
  await fuzz(s, admin, { authorization: `Bearer ${ADMIN_TOKEN}` }, [403, 404]);
});

test('a percent-encoded admin path cannot inject a fault (the reported bypass)', async (t) => {
  const s = await server(t, undefined);
  const status = await new Promise<number>((resolve, reject) => {
    const u = new URL(s.url);
    const body = JSON.stringify({ name: 'status500' });
    const req = http.request(
      { host: u.hostname, port: u.port, method: 'POST', path: '/%61pi/%61dmin/faults', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(status, 403);
  assert.equal(await send(s.url, 'GET', '/api/health'), 200, 'no fault was set');
});

test('a route that declares no access stops the server from starting', async () => {
  const open = Fastify();
  guardRoutes(open, new Authenticator({ authors: { t: 'acme' } }, undefined, Buffer.alloc(32)));
  // fastify may run onRoute hooks at registration or when the instance boots: either must refuse.
  await assert.rejects(async () => {
    open.get('/api/new', async () => ({}));
    await open.ready();
  }, /declares no access/);
  const declared = Fastify();
  guardRoutes(declared, new Authenticator({ authors: { t: 'acme' } }, undefined, Buffer.alloc(32)));
  declared.get('/api/other', { config: { access: 'tenant' } }, async () => ({}));
  await declared.ready();
  await declared.close();
});
