import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Embedder } from '../../../src/core/local-search/embedder';
import { rankPlaybooks, rankSources } from '../../../src/core/local-search/hybrid-ranker';
import { SourceCollection, type SourceEntry } from '../../../src/core/local-search/source-collection';
import { systemClock } from '../../../src/core/shared/clock';
import { tempDir } from '../../helpers/temp-dir';
import { DIM, axisVector, testPayload } from './store-contract';

/**
 * The team and library collections: fed from a catalog by content hash (only what changed is
 * embedded, what left the catalog leaves the index), skipped entirely when the catalog's stamp is
 * the one indexed, and ranked together with other collections as one list (rankSources). The
 * model is a deterministic stand-in that counts what it embeds.
 */
class CountingEmbedder implements Embedder {
  readonly id = 'count@1';
  embedded = 0;
  private readonly axes = new Map<string, number>();
  async dimension() {
    return DIM;
  }
  async preload() {}
  async embed(texts: readonly string[]) {
    this.embedded += texts.length;
    return texts.map((t) => axisVector(this.axes.get(t) ?? this.axes.set(t, this.axes.size % DIM).get(t)!));
  }
  async dispose() {}
}

const entry = (id: string, name: string, hash = `h-${id}`): SourceEntry => ({ metadata: testPayload(id, { name }).metadata, contentHash: hash });

test('sync indexes by content hash and stamp: unchanged stamp reads nothing, changes embed only what changed, gone ids leave', async (t) => {
  const dir = await tempDir(t);
  const model = new CountingEmbedder();
  const c = new SourceCollection(path.join(dir, 'team'), systemClock, model, 'team');
  let reads = 0;
  const list = (entries: SourceEntry[]) => async () => {
    reads++;
    return entries;
  };
  const first = await c.sync('s1', list([entry('a', 'Rotate keys'), entry('b', 'Stop databases')]));
  assert.deepEqual([first.added, first.embedded, first.compared], [2, 2, true]);
  const same = await c.sync('s1', list([]));
  assert.deepEqual([same.compared, reads], [false, 1], 'the same stamp: the catalog is not even read');
  const next = await c.sync('s2', list([entry('a', 'Rotate keys'), entry('c', 'Drain nodes')]));
  assert.deepEqual([next.added, next.updated, next.removed, next.embedded], [1, 0, 1, 1]);
  assert.equal(await c.count(), 2);

  // A new process: the stamp is read back with the index; a damaged index forgets it.
  const again = new SourceCollection(path.join(dir, 'team'), systemClock, model, 'team');
  assert.equal(await again.holds('s2'), true);
  await fs.writeFile(path.join(dir, 'team', 'user_playbooks.idx'), 'garbage');
  const damaged = new SourceCollection(path.join(dir, 'team'), systemClock, model, 'team');
  assert.equal(await damaged.holds('s2'), false);
  const rebuilt = await damaged.sync('s2', list([entry('a', 'Rotate keys')]));
  assert.deepEqual([rebuilt.added, await damaged.count()], [1, 1]);
});

test('rankSources: one list across collections, each hit with its source; the same id in two sources stays two hits', async (t) => {
  const dir = await tempDir(t);
  const model = new CountingEmbedder();
  const team = new SourceCollection(path.join(dir, 'team'), systemClock, model, 'team');
  const lib = new SourceCollection(path.join(dir, 'library'), systemClock, model, 'library');
  await team.sync('t', async () => [entry('rotate-iam-keys', 'Rotate IAM access keys'), entry('shared-id', 'Rotate secrets')]);
  await lib.sync('l', async () => [entry('shared-id', 'Rotate certificates'), entry('ebs-cleanup', 'Delete old EBS snapshots')]);
  const hits = await rankSources({ query: 'rotate iam access keys', limit: 10 }, [await team.rankSource(), await lib.rankSource()], model);
  assert.equal(hits[0]?.playbook_id, 'rotate-iam-keys');
  assert.equal(hits[0]?.source, 'team');
  const shared = hits.filter((h) => h.playbook_id === 'shared-id').map((h) => h.source).sort();
  assert.deepEqual(shared, ['library', 'team']);
  const snap = await rankSources({ query: 'ebs snapshots', limit: 3 }, [await team.rankSource(), await lib.rankSource()], model);
  assert.deepEqual([snap[0]?.playbook_id, snap[0]?.source], ['ebs-cleanup', 'library']);

  // One collection: rankPlaybooks is rankSources with a single 'local' source, same order and scores.
  const src = await team.rankSource();
  const single = await rankPlaybooks({ query: 'rotate keys', limit: 5 }, { ...src, embedder: model });
  const viaSources = await rankSources({ query: 'rotate keys', limit: 5 }, [{ ...src, source: 'local' }], model);
  assert.deepEqual(single.map((h) => [h.playbook_id, h.score]), viaSources.map((h) => [h.playbook_id, h.score]));
});

test('rankSources: a one-playbook collection is not ranked down by its corpus statistics; a partial match stays below a full one', async (t) => {
  const dir = await tempDir(t);
  const model = new CountingEmbedder();
  const local = new SourceCollection(path.join(dir, 'local'), systemClock, model, 'team');
  const lib = new SourceCollection(path.join(dir, 'library'), systemClock, model, 'library');
  const many = Array.from({ length: 30 }, (_, i) => entry(`rds-task-${i}`, `RDS task number ${i}`));
  await local.sync('l', async () => [...many, entry('stop-rds-here', 'Stop RDS instances at night')]);
  await lib.sync('b', async () => [entry('stop-rds-lib', 'Stop RDS instances at night')]);
  const sources = [{ ...(await local.rankSource()), source: 'local' as const }, await lib.rankSource()];
  const hits = await rankSources({ query: 'stop rds instances night', limit: 5 }, sources, model);
  assert.deepEqual(hits.slice(0, 2).map((h) => h.playbook_id).sort(), ['stop-rds-here', 'stop-rds-lib'], 'the same text ranks level wherever it lives');

  const partial = new SourceCollection(path.join(dir, 'partial'), systemClock, model, 'team');
  await partial.sync('p', async () => [entry('night-only', 'Night shift handover')]);
  const mixed = await rankSources({ query: 'stop rds instances night', limit: 5 }, [sources[0]!, await partial.rankSource()], model);
  assert.equal(mixed[0]?.playbook_id, 'stop-rds-here');
  assert.ok(mixed.findIndex((h) => h.playbook_id === 'night-only') !== 0, 'one word of four does not take the top');
});
