import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QdrantVectorStore, pointId, toQdrantFilter } from '../../../src/core/local-search/qdrant-store';
import type { VectorStore } from '../../../src/core/local-search/vector-store';
import { QDRANT_SPEC, type QdrantDouble, qdrantSpecAvailable, startQdrantDouble } from './qdrant-double';
import { vectorStoreContract } from './store-contract';

/**
 * The Qdrant adapter, through the real @qdrant/js-client-rest over real HTTP:
 *  - always (when ../shared is present): against the OpenAPI-validating double;
 *  - additionally against a real server when QDRANT_URL is set (e.g. docker run qdrant/qdrant).
 */
const NO_SPEC = '../shared/data/qdrant-openapi-v1.19.json is absent (fresh checkout): cannot validate the Qdrant wire contract';
let double: QdrantDouble | undefined;
let n = 0;
const unique = () => `user_playbooks_test_${process.pid}_${n++}`;

before(async () => {
  if (qdrantSpecAvailable()) double = await startQdrantDouble(QDRANT_SPEC!);
});
after(async () => {
  await double?.close();
});

vectorStoreContract('qdrant (OpenAPI-validated double)', {
  skip: qdrantSpecAvailable() ? false : NO_SPEC,
  fresh: async () => new QdrantVectorStore({ url: double!.url, collection: unique() }),
  reopen: async (prev: VectorStore) => new QdrantVectorStore({ url: double!.url, collection: (prev as QdrantVectorStore).collection }),
});

const realUrl = process.env.QDRANT_URL;
const created: string[] = [];
vectorStoreContract('qdrant (real server at QDRANT_URL)', {
  skip: realUrl ? false : 'QDRANT_URL is not set: no real Qdrant server to run the contract suite against',
  fresh: async () => {
    const name = unique();
    created.push(name);
    return new QdrantVectorStore({ url: realUrl!, collection: name, ...(process.env.QDRANT_API_KEY ? { apiKey: process.env.QDRANT_API_KEY } : {}) });
  },
  reopen: async (prev: VectorStore) => new QdrantVectorStore({ url: realUrl!, collection: (prev as QdrantVectorStore).collection }),
});
after(async () => {
  if (!realUrl || !created.length) return;
  const { QdrantClient } = await import('@qdrant/js-client-rest');
  const c = new QdrantClient({ url: realUrl, checkCompatibility: false });
  for (const name of created) await c.deleteCollection(name).catch(() => undefined);
});

test('qdrant: every request the adapter sent and every response it parsed matched the OpenAPI description', { skip: qdrantSpecAvailable() ? false : NO_SPEC }, () => {
  // Runs after the contract suite above (node:test runs a file's tests in order).
  assert.deepEqual(double!.violations, []);
  const used = new Set(double!.calls);
  for (const op of ['collection_exists', 'create_collection', 'get_collection', 'delete_collection', 'create_field_index', 'upsert_points', 'delete_points', 'get_points', 'scroll_points', 'count_points', 'query_points']) {
    assert.ok(used.has(op), `the suite exercised ${op}`);
  }
});

test('qdrant: the validator is not a rubber stamp (a malformed upsert is rejected and recorded)', { skip: qdrantSpecAvailable() ? false : NO_SPEC }, async () => {
  const res = await fetch(`${double!.url}/collections/x/points?wait=true`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ points: [{ id: 'not-a-uuid-or-int', vector: 'oops' }] }),
  });
  assert.equal(res.status, 400);
  assert.ok(double!.violations.some((v) => v.includes('upsert_points')));
  double!.violations.length = 0;
});

test('qdrant: the collection carries model id, dimension and cosine distance, with keyword indexes on the filter fields', { skip: qdrantSpecAvailable() ? false : NO_SPEC }, async () => {
  const s = new QdrantVectorStore({ url: double!.url, collection: 'user_playbooks' });
  await s.open({ modelId: 'use-lite@1', dimension: 512 });
  const col = double!.collections.get('user_playbooks')!;
  assert.equal(col.size, 512);
  assert.equal(col.metadata.model_id, 'use-lite@1');
  assert.deepEqual([...col.indexes.keys()].sort(), ['area', 'cloud_provider', 'formats', 'playbook_id', 'resource_types_lc']);
  assert.ok([...col.indexes.values()].every((t) => t === 'keyword'));
  await s.close();
  assert.deepEqual(double!.violations, []);
});

test('qdrant: point ids are stable UUIDs; filters translate to must/match conditions', () => {
  assert.match(pointId('user-weekend-shutdown'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(pointId('a'), pointId('a'));
  assert.notEqual(pointId('a'), pointId('b'));
  assert.deepEqual(toQdrantFilter({ cloud: 'aws', resourceType: 'RDS' }), {
    must: [
      { key: 'cloud_provider', match: { value: 'aws' } },
      { key: 'resource_types_lc', match: { value: 'rds' } },
    ],
  });
  assert.equal(toQdrantFilter({}), undefined);
});

test('qdrant: an unreachable server fails fast with a network error (the caller then falls back)', async () => {
  const s = new QdrantVectorStore({ url: 'http://127.0.0.1:9', timeoutMs: 2000 });
  const t0 = Date.now();
  await assert.rejects(s.open({ modelId: 'm', dimension: 8 }), /fetch failed|ECONNREFUSED|connect/i);
  assert.ok(Date.now() - t0 < 2000);
});

test('qdrant: the location shown in messages never carries credentials', () => {
  const s = new QdrantVectorStore({ url: 'https://admin:s3cret@qdrant.internal:6333/', apiKey: 'k' });
  assert.equal(s.location, 'https://qdrant.internal:6333 (collection user_playbooks)');
});
