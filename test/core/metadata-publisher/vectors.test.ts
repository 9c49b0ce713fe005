import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { VectorProvider } from '../../../src/core/metadata-publisher/vector-provider';
import { sha256 } from '../../../src/core/shared/hash';
import { TEST_TENANT, startTestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput } from './harness';

/** A deterministic stand-in for the embedding model (8 dims from a hash of the text). */
const hashVectors: VectorProvider = {
  modelId: 'test-hash@1',
  embed: async (text) => [...Buffer.from(sha256(text), 'hex').subarray(0, 8)].map((b) => b / 255),
};

test('publishing works without a model; the vector follows on a later sync once one is available', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  await h.store.createPlaybook(playbookInput('vec-a', { area: 'synced' }));
  await h.publisher.syncAllMetadata();
  assert.equal((await s.api.getRecord('vec-a'))?.versions['1.0.0']?.has_vector, false);

  const withModel = h.makePublisher({ vectors: hashVectors });
  const r = await withModel.syncAllMetadata();
  assert.deepEqual(r.updated, ['vec-a']);
  const rec = await s.api.getRecord('vec-a');
  assert.equal(rec?.versions['1.0.0']?.has_vector, true);
  assert.equal(rec?.latest_version, '1.0.0', 'no new version just for the vector');
  const stored = JSON.parse(await fs.readFile(path.join(s.dataDir, 'tenants', TEST_TENANT, 'vectors', 'vec-a', '1.0.0.json'), 'utf8')) as { model: string; vector: number[] };
  assert.equal(stored.model, 'test-hash@1');
  assert.equal(stored.vector.length, 8);
  assert.equal((await withModel.syncAllMetadata()).requests, 1, 'settled');
});

test('a failing model never blocks publishing, and a sync does not send empty vector follow-ups', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const broken: VectorProvider = { modelId: 'broken@1', embed: async () => Promise.reject(new Error('model file missing')) };
  const h = await makeHome(t, s, { vectors: broken });
  await h.store.createPlaybook(playbookInput('vec-b'));
  const p = await h.publisher.publishMetadata('vec-b', { strategy: 'uploaded_trusted' });
  assert.equal(p.status, 'published');
  assert.equal((await s.api.getRecord('vec-b'))?.versions[p.version]?.has_vector, false);
  const r = await h.publisher.syncAllMetadata();
  assert.equal(r.requests, 1, 'only the changes feed: nothing sent without a vector');
});
