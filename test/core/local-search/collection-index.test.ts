import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../../src/core/shared/clock';
import type { PlaybookSummary } from '../../../src/core/playbook-store/types';
import { CollectionIndex } from '../../../src/core/local-search/collection-index';
import { embeddingText } from '../../../src/core/local-search/document-text';
import { parseQuery } from '../../../src/core/local-search/keyword-index';
import { tempDir } from '../../helpers/temp-dir';
import { axisVector, testPayload } from './store-contract';
import { AxisEmbedder } from './axis-embedder';

/**
 * CollectionIndex keeps the vectors, payloads and keyword index in step. The model here is a
 * deterministic stand-in (one axis per distinct text) so the tests can count what is embedded;
 * the real model is exercised through LocalSearch in local-search.test.ts.
 */
const summary = (id: string, over: Partial<PlaybookSummary> = {}): PlaybookSummary =>
  ({ playbook_id: id, version: '1.0.0', area: 'local', content_hash: `hash-${id}`, ...over }) as PlaybookSummary;

test('upsert and remove keep vectors, payloads and keywords in step; unchanged text is not embedded again', async (t) => {
  const dir = await tempDir(t, 'escher-cindex-');
  const model = new AxisEmbedder();
  const index = new CollectionIndex(dir, systemClock, model);
  assert.equal(await index.open(), 'no index yet');

  const a = testPayload('alpha', { name: 'Rotate access keys' });
  const b = testPayload('beta', { name: 'Stop databases at night' });
  const first = await index.upsert([a, b]);
  assert.equal(first.embedded, 2);
  assert.deepEqual(first.points.map((p) => p.id).sort(), ['alpha', 'beta']);
  assert.equal(await index.count(), 2);
  assert.equal(index.payloadOf('alpha')?.name, 'Rotate access keys');
  assert.deepEqual(index.keywords.search(parseQuery('rotate keys'), { limit: 5 }).map((h) => h.id), ['alpha']);

  // A move (new area, same embedded text) keeps the vector; a new description is embedded again.
  const moved = { ...a, area: 'synced' as const };
  const edited = testPayload('beta', { name: 'Stop databases at night', description: 'Hibernate bastion hosts too' });
  const second = await index.upsert([moved, edited]);
  assert.equal(second.embedded, 1);
  assert.deepEqual(model.texts.slice(2), [embeddingText(edited)]);
  assert.equal(index.payloadOf('alpha')?.area, 'synced');
  assert.deepEqual(index.keywords.search(parseQuery('bastion'), { limit: 5 }).map((h) => h.id), ['beta']);

  await index.remove(['alpha', 'never-indexed']);
  assert.equal(await index.count(), 1);
  assert.equal(index.payloadOf('alpha'), undefined);
  assert.deepEqual(index.keywords.search(parseQuery('rotate keys'), { limit: 5 }), []);
  assert.deepEqual((await index.vectors.search(axisVector(0), { limit: 5 })).map((h) => h.id), ['beta']);

  await index.clear();
  assert.equal(await index.count(), 0);
  assert.equal(index.payloadOf('beta'), undefined);
  assert.equal(index.keywords.size, 0);
});

test('diff says what a reconcile must do: new, changed (content, version or area), unchanged and gone', async (t) => {
  const dir = await tempDir(t, 'escher-cindex-');
  const index = new CollectionIndex(dir, systemClock, new AxisEmbedder());
  await index.open();
  await index.upsert(['same', 'edited', 'bumped', 'moved', 'deleted'].map((id) => testPayload(id)));
  const diff = await index.diff([
    summary('same'),
    summary('edited', { content_hash: 'other' }),
    summary('bumped', { version: '1.0.1' }),
    summary('moved', { area: 'synced' }),
    summary('new'),
  ]);
  assert.deepEqual(diff.added, ['new']);
  assert.deepEqual(diff.updated.sort(), ['bumped', 'edited', 'moved']);
  assert.equal(diff.unchanged, 1);
  assert.deepEqual(diff.gone, ['deleted']);
});

test('flush then a new process: the same points and keyword index come back without embedding', async (t) => {
  const dir = await tempDir(t, 'escher-cindex-');
  const a = new CollectionIndex(dir, systemClock, new AxisEmbedder());
  await a.open();
  await a.upsert([testPayload('alpha', { name: 'Rotate access keys' })]);
  await a.flush();

  const model = new AxisEmbedder();
  const b = new CollectionIndex(dir, systemClock, model);
  assert.equal(await b.open(), undefined, 'not reset');
  assert.equal(await b.count(), 1);
  assert.deepEqual(b.keywords.search(parseQuery('rotate'), { limit: 5 }).map((h) => h.id), ['alpha']);
  assert.deepEqual(model.texts, []);

  // Another model: the collection starts empty and says why.
  const c = new CollectionIndex(dir, systemClock, new AxisEmbedder('other@2'));
  assert.match((await c.open()) ?? '', /embedding model changed from axis@1 .* to other@2/);
  assert.equal(await c.count(), 0);
  assert.equal(c.keywords.size, 0);
});
