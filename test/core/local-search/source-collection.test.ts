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
