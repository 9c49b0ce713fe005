import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaybookMetadata } from '../../../src/core/playbook-store/metadata';
import type { PlaybookPayload } from '../../../src/core/local-search/payload';
import { payloadFromMetadata } from '../../../src/core/local-search/payload-builder';
import type { VectorStore } from '../../../src/core/local-search/vector-store';

/**
 * The one contract every VectorStore implementation must meet; run by embedded-store.test.ts
 * and qdrant-store.test.ts (against the validating double, and a real Qdrant when QDRANT_URL
 * is set). `fresh()` gives an empty store location; `reopen()` a second store object over the same
 * location (what a new process sees).
 */
export interface ContractTarget {
  fresh(): Promise<VectorStore>;
  reopen(previous: VectorStore): Promise<VectorStore>;
  /** Set to a reason to skip the whole suite (e.g. no Qdrant). */
  skip?: string | false;
}

export const DIM = 8;
const IDENTITY = { modelId: 'test-model@1', dimension: DIM };

/** Unit vector pointing mostly along axis `axis`, with a small tilt towards axis+1. */
export function axisVector(axis: number, tilt = 0.1, dim = DIM): Float32Array {
  const v = new Float32Array(dim);
  v[axis % dim] = 1;
  v[(axis + 1) % dim] = tilt;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export function testPayload(id: string, over: Partial<PlaybookMetadata> & { area?: PlaybookPayload['area']; hash?: string } = {}): PlaybookPayload {
  const { area = 'local', hash = `hash-${id}`, ...meta } = over;
  const metadata: PlaybookMetadata = {
    schema_version: 1,
    playbook_id: id,
    version: '1.0.0',
    name: `Playbook ${id}`,
    description: `Does ${id} things`,
    keywords: ['k1'],
    cloud_provider: 'aws',
    resource_types: ['RDS'],
    storage_strategy: 'local_only',
    scripts: [{ format: 'shell', path: 'shell/run.sh', sha256: 'a'.repeat(64), size: 10 }],
    parameters: [],
    source: 'user',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...meta,
  };
  return payloadFromMetadata(metadata, area, hash, { 'shell/run.sh': 'echo hello' });
}

export function vectorStoreContract(name: string, target: ContractTarget): void {
  const opts = { skip: target.skip ?? false };
  const seed = async (s: VectorStore) => {
    await s.upsert([
      { id: 'stop-db', vector: axisVector(0), payload: testPayload('stop-db', { resource_types: ['RDS'] }) },
      { id: 'start-vm', vector: axisVector(1), payload: testPayload('start-vm', { resource_types: ['EC2'], cloud_provider: 'azure', area: 'synced' }) },
      {
        id: 'tf-bucket',
        vector: axisVector(2),
        payload: testPayload('tf-bucket', { resource_types: ['S3'], scripts: [{ format: 'terraform', path: 'terraform/main.tf', sha256: 'b'.repeat(64), size: 5 }] }),
      },
    ]);
  };

  test(`${name}: a new collection is empty and reports the reset`, opts, async () => {
    const s = await target.fresh();
    const r = await s.open(IDENTITY);
    assert.equal(r.reset, true);
    assert.equal(await s.count(), 0);
    assert.deepEqual(await s.search(axisVector(0), { limit: 5 }), []);
    await s.close();
  });

  test(`${name}: nearest first, cosine scores, full payload back`, opts, async () => {
    const s = await target.fresh();
    await s.open(IDENTITY);
    await seed(s);
    assert.equal(await s.count(), 3);
    const hits = await s.search(axisVector(1), { limit: 2 });
    assert.deepEqual(hits.map((h) => h.id), ['start-vm', 'stop-db']);
    assert.ok(Math.abs(hits[0]!.score - 1) < 1e-4, `identical vector scores 1, got ${hits[0]!.score}`);
    assert.ok(hits[1]!.score < hits[0]!.score);
    assert.deepEqual(hits[0]!.payload, testPayload('start-vm', { resource_types: ['EC2'], cloud_provider: 'azure', area: 'synced' }));
    assert.equal(hits[0]!.payload.scripts['shell/run.sh'], 'echo hello');
    await s.close();
  });

  test(`${name}: filters on cloud, area, format and resource type (case-insensitive)`, opts, async () => {
    const s = await target.fresh();
    await s.open(IDENTITY);
    await seed(s);
    const ids = async (filter: Parameters<VectorStore['search']>[1]['filter']) => (await s.search(axisVector(0), { limit: 10, ...(filter ? { filter } : {}) })).map((h) => h.id).sort();
    assert.deepEqual(await ids({ cloud: 'azure' }), ['start-vm']);
    assert.deepEqual(await ids({ area: 'local' }), ['stop-db', 'tf-bucket']);
    assert.deepEqual(await ids({ format: 'terraform' }), ['tf-bucket']);
    assert.deepEqual(await ids({ resourceType: 'rds' }), ['stop-db']);
    assert.deepEqual(await ids({ cloud: 'aws', format: 'shell' }), ['stop-db']);
    assert.deepEqual(await ids({ cloud: 'gcp' }), []);
    await s.close();
  });

  test(`${name}: upsert replaces by id, delete removes, unknown ids are ignored`, opts, async () => {
    const s = await target.fresh();
    await s.open(IDENTITY);
    await seed(s);
    await s.upsert([{ id: 'stop-db', vector: axisVector(5), payload: testPayload('stop-db', { version: '1.1.0', hash: 'changed' }) }]);
    assert.equal(await s.count(), 3);
    const [top] = await s.search(axisVector(5), { limit: 1 });
    assert.equal(top!.id, 'stop-db');
    assert.equal(top!.payload.version, '1.1.0');
    await s.delete(['start-vm', 'never-indexed']);
    assert.equal(await s.count(), 2);
    assert.ok(!(await s.search(axisVector(1), { limit: 10 })).some((h) => h.id === 'start-vm'));
    const cat = (await s.catalog()).sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(
      cat.map((c) => [c.id, c.version, c.area, c.content_hash]),
      [
        ['stop-db', '1.1.0', 'local', 'changed'],
        ['tf-bucket', '1.0.0', 'local', 'hash-tf-bucket'],
      ],
    );
    const [got] = await s.get(['tf-bucket']);
    assert.ok(got && Math.abs(got.vector[2]! - axisVector(2)[2]!) < 1e-5, 'vectors come back as stored');
    await s.close();
  });

  test(`${name}: survives a reopen; another model id or dimension empties it`, opts, async () => {
    const s = await target.fresh();
    await s.open(IDENTITY);
    await seed(s);
    await s.flush();
    await s.close();
    const again = await target.reopen(s);
    assert.deepEqual(await again.open(IDENTITY), { reset: false });
    assert.equal(await again.count(), 3);
    assert.equal((await again.search(axisVector(2), { limit: 1 }))[0]!.id, 'tf-bucket');
    await again.close();
    const otherModel = await target.reopen(s);
    const r = await otherModel.open({ modelId: 'other-model@2', dimension: DIM + 4 });
    assert.equal(r.reset, true);
    assert.match(r.reason ?? '', /other-model@2|recreated/);
    assert.equal(await otherModel.count(), 0);
    await otherModel.upsert([{ id: 'x', vector: new Float32Array(DIM + 4).fill(0.5), payload: testPayload('x') }]);
    assert.equal(await otherModel.count(), 1);
    await otherModel.close();
  });

  test(`${name}: clear empties the collection but keeps it usable`, opts, async () => {
    const s = await target.fresh();
    await s.open(IDENTITY);
    await seed(s);
    await s.clear();
    assert.equal(await s.count(), 0);
    await s.upsert([{ id: 'again', vector: axisVector(3), payload: testPayload('again') }]);
    assert.equal((await s.search(axisVector(3), { limit: 1 }))[0]!.id, 'again');
    await s.close();
  });
}
