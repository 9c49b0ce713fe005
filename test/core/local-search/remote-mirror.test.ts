import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { after, before, test } from 'node:test';
import { assertSafeQdrantUrl } from '../../../src/core/escher-api/url-safety';
import { EmbeddedVectorStore } from '../../../src/core/local-search/embedded-store';
import { QdrantVectorStore } from '../../../src/core/local-search/qdrant-store';
import { RemoteMirror } from '../../../src/core/local-search/remote-mirror';
import type { VectorStore } from '../../../src/core/local-search/vector-store';
import { UnsafeUrlError } from '../../../src/core/shared/errors';
import { silentLogger } from '../../../src/core/shared/logger';
import { tempDir } from '../../helpers/temp-dir';
import { QDRANT_SPEC, type QdrantDouble, qdrantSpecAvailable, startQdrantDouble } from './qdrant-double';
import { DIM, axisVector, testPayload } from './store-contract';

/**
 * What the Qdrant mirror may receive. A Qdrant on this machine (loopback) mirrors everything. A
 * Qdrant elsewhere must be https (its API key and the playbooks travel to it) and never receives
 * a local_only playbook, while searches still find those (merged in from the embedded index).
 * The mirror runs over the real Qdrant client and real HTTP to the OpenAPI-validating double;
 * "elsewhere" is the double seen through a store that says it is not on this machine, since a
 * real off-machine https Qdrant cannot run here.
 */
const IDENTITY = { modelId: 'test-model@1', dimension: DIM };
const NO_SPEC = '../shared/data/qdrant-openapi-v1.19.json is absent (fresh checkout): no Qdrant double';
let double: QdrantDouble | undefined;
let n = 0;

before(async () => {
  if (qdrantSpecAvailable()) double = await startQdrantDouble(QDRANT_SPEC!);
});
after(async () => {
  await double?.close();
});

/** The double as if it ran on another host (https there; here only the location differs). */
class OffMachineQdrant extends QdrantVectorStore {
  override readonly onThisMachine = false;
}

async function embeddedWithThree(t: Parameters<typeof tempDir>[0]): Promise<EmbeddedVectorStore> {
  const store = new EmbeddedVectorStore(await tempDir(t, 'escher-mirror-'));
  await store.open(IDENTITY);
  await store.upsert([
    { id: 'private-db', vector: axisVector(0), payload: testPayload('private-db', { storage_strategy: 'local_only', description: 'rotates the PRIVATE-ONLY database' }) },
    { id: 'shared-vm', vector: axisVector(1), payload: testPayload('shared-vm', { storage_strategy: 'uploaded_for_review', area: 'synced' }) },
    { id: 'shared-net', vector: axisVector(2), payload: testPayload('shared-net', { storage_strategy: 'uploaded_trusted', area: 'synced' }) },
  ]);
  return store;
}

function heldIds(collection: string): string[] {
  return [...double!.collections.get(collection)!.points.values()].map((p) => String(p.payload.playbook_id)).sort();
}

test('a Qdrant on another machine never receives a local_only playbook, yet searches answered by it still find one', { skip: qdrantSpecAvailable() ? false : NO_SPEC }, async (t) => {
  const embedded = await embeddedWithThree(t);
  const collection = `mirror_off_${process.pid}_${n++}`;
  const remote = new OffMachineQdrant({ url: double!.url, collection });
  const mirror = new RemoteMirror(remote, embedded, async () => IDENTITY, silentLogger);
  await mirror.ensure();
  assert.deepEqual(heldIds(collection), ['shared-net', 'shared-vm'], 'no point, payload or vector of the local_only playbook');
  assert.ok(![...double!.collections.get(collection)!.points.values()].some((p) => JSON.stringify(p.payload).includes('PRIVATE-ONLY')));

  const warnings: string[] = [];
  const { result, backend } = await mirror.answer((vs: VectorStore) => vs.search(axisVector(0), { limit: 2 }), embedded, warnings);
  assert.equal(backend, 'qdrant');
  assert.deepEqual(result.map((h) => h.id), ['private-db', 'shared-vm'], 'the withheld playbook ranks where it belongs');
  assert.deepEqual(warnings, []);

  // A playbook whose new version is local_only leaves the remote; the search still finds it.
  const nowPrivate = { id: 'shared-vm', vector: axisVector(1), payload: testPayload('shared-vm', { storage_strategy: 'local_only', version: '1.0.1' }) };
  await embedded.upsert([nowPrivate]);
  await mirror.upsert([nowPrivate]);
  assert.deepEqual(heldIds(collection), ['shared-net']);
  const again = await mirror.answer((vs: VectorStore) => vs.search(axisVector(1), { limit: 1 }), embedded, warnings);
  assert.deepEqual(again.result.map((h) => h.id), ['shared-vm']);
  // And a full re-mirror (after a reconcile) agrees.
  await mirror.ensure(true);
  assert.deepEqual(heldIds(collection), ['shared-net']);
});

test('a Qdrant on this machine (loopback) mirrors every playbook, local_only ones included', { skip: qdrantSpecAvailable() ? false : NO_SPEC }, async (t) => {
  const embedded = await embeddedWithThree(t);
  const collection = `mirror_here_${process.pid}_${n++}`;
  const remote = new QdrantVectorStore({ url: double!.url, collection });
  assert.equal(remote.onThisMachine, true);
  const mirror = new RemoteMirror(remote, embedded, async () => IDENTITY, silentLogger);
  await mirror.ensure();
  assert.deepEqual(heldIds(collection), ['private-db', 'shared-net', 'shared-vm']);
});

function nonLoopbackIPv4(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

test('plain http to a Qdrant on another host is refused before any request: neither the API key nor a playbook is sent', { skip: nonLoopbackIPv4() ? false : 'this machine has no non-loopback IPv4 address to listen on' }, async (t) => {
  const host = nonLoopbackIPv4()!;
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} api-key=${String(req.headers['api-key'])}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":{"exists":true},"status":"ok","time":0}');
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  let keyRead = false;
  const remote = new QdrantVectorStore({
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    apiKey: async () => {
      keyRead = true;
      return 'qdrant-secret-key';
    },
    timeoutMs: 2000,
  });
  assert.equal(remote.onThisMachine, false);
  await assert.rejects(remote.open(IDENTITY), (e: unknown) => e instanceof UnsafeUrlError && /plain http on a non-loopback host/.test(e.message));
  assert.deepEqual(seen, [], 'nothing reached the server');
  assert.equal(keyRead, false, 'the API key was not even read');
});

test('the Qdrant URL rule is the Escher client rule: https anywhere, http on loopback only, no credentials in the URL', () => {
  for (const ok of ['https://qdrant.example.com', 'https://10.0.0.5:6333', 'http://localhost:6333', 'http://127.0.0.1:6333', 'http://[::1]:6333']) assert.ok(assertSafeQdrantUrl(ok), ok);
  for (const bad of ['http://qdrant.example.com:6333', 'http://10.0.0.5:6333', 'http://localhost.evil.example:6333', 'ftp://qdrant.example.com', 'https://user:pw@qdrant.example.com', 'not a url']) {
    assert.throws(() => assertSafeQdrantUrl(bad), UnsafeUrlError, bad);
  }
});
