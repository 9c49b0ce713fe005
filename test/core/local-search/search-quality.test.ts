import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../../src/core/shared/config';
import type { PlaybookConfig } from '../../../src/core/shared/config';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { DEFAULT_RANKING } from '../../../src/core/local-search/hybrid-ranker';
import type { RankingOptions } from '../../../src/core/local-search/hybrid-ranker';
import { LocalSearch } from '../../../src/core/local-search/local-search';
import { WorkerEmbedder } from '../../../src/core/local-search/worker-embedder';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { SKIP_NO_SHARED, evaluate, loadQuerySet, loadRunbooks, runbookParameters } from './runbook-corpus';
import type { EvalQuery, Metrics, QuerySetName } from './runbook-corpus';

/**
 * Search quality on real data: the 175 AWS runbooks imported into a real store, searched with the
 * real default model through LocalSearch, on three query sets (runbook-corpus.ts): the first set,
 * and the dev and held-out halves of the second, independently written set. Prints Recall@1,
 * Recall@5 and MRR of keyword-only, semantic-only and the shipped ranker for each, all in one run
 * over one index; per-style figures are printed for the dev half only (the held-out half is
 * reported, never studied).
 *
 * Asserted: on every set the shipped ranker is not below keyword-only, and the held-out half
 * does not fall below what ships (measured MRR 0.814, Recall@5 0.946; the floor leaves one
 * query's worth of slack). Issue 14's targets (MRR >= 0.85, Recall@5 >= 0.95) are NOT met: the
 * gap is printed on every run rather than asserted, so the suite stays a regression guard and
 * the miss stays visible (src/core/local-search/README.md).
 */
const runbooks = loadRunbooks();
const skip = runbooks ? false : SKIP_NO_SHARED;
const SETS: QuerySetName[] = ['v1', 'v2-dev', 'v2-heldout'];
const TARGET = { mrr: 0.85, recallAt5: 0.95 };
const FLOOR = { mrr: 0.8, recallAt5: 0.93 };
let home: string;
let config: PlaybookConfig;
let store: PlaybookStore;
let model: WorkerEmbedder;

before(async () => {
  if (!runbooks) return;
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-quality-'));
  config = resolveConfig({ home }, {});
  store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new MemorySecrets() });
  const results = await store.createPlaybooks(
    runbooks.map((r) => ({ name: r.name, description: r.description, cloud_provider: 'aws', parameters: runbookParameters(r), source: 'library' })),
  );
  assert.ok(results.every((r) => r.ok), 'every runbook imports');
  model = new WorkerEmbedder({ kind: 'use-lite' });
});
after(async () => {
  await model?.dispose();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

/** The top-10 runbook names for every query, ranked by `ranking` through a real LocalSearch. */
async function ranks(ranking: RankingOptions, queries: EvalQuery[]): Promise<string[][]> {
  const search = new LocalSearch({ config, store, embedder: { ...delegate(model), dispose: async () => {} }, ranking });
  try {
    // Index everything first (a first search would otherwise answer while indexing goes on).
    await search.start();
    const rankings: string[][] = [];
    for (const q of queries) rankings.push((await search.searchLocalPlaybooks(q.q, { limit: 10 })).hits.map((h) => h.name));
    return rankings;
  } finally {
    await search.close();
  }
}

function delegate(m: WorkerEmbedder) {
  return { id: m.id, dimension: () => m.dimension(), preload: () => m.preload(), embed: (t: readonly string[]) => m.embed(t) };
}

const RANKERS: [string, RankingOptions][] = [
  ['keyword only', { ...DEFAULT_RANKING, mode: 'keyword' }],
  ['semantic only', { ...DEFAULT_RANKING, mode: 'semantic' }],
  ['shipped', DEFAULT_RANKING],
];

test('search quality on the AWS runbook corpus: held-out MRR and Recall@5 no lower than what ships, and on no set below keyword-only', { skip, timeout: 600_000 }, async (t) => {
  const lines = [`${runbooks!.length} runbooks`, `${'set'.padEnd(12)} ${'ranker'.padEnd(14)} R@1    R@5    MRR`];
  const results = new Map<string, Metrics>();
  for (const set of SETS) {
    const queries = loadQuerySet(set);
    for (const [name, ranking] of RANKERS) {
      const rankings = await ranks(ranking, queries);
      const m = evaluate(rankings, queries);
      results.set(`${set}/${name}`, m);
      lines.push(`${`${set} (${queries.length})`.padEnd(12)} ${name.padEnd(14)} ${m.recallAt1.toFixed(3)}  ${m.recallAt5.toFixed(3)}  ${m.mrr.toFixed(3)}`);
      if (set === 'v2-dev' && name === 'shipped') lines.push(...byStyle(rankings, queries));
    }
  }
  for (const line of lines) t.diagnostic(line);
  console.log(lines.join('\n'));

  for (const set of SETS) {
    const shipped = results.get(`${set}/shipped`)!;
    const keyword = results.get(`${set}/keyword only`)!;
    assert.ok(shipped.mrr >= keyword.mrr, `${set}: shipped MRR ${shipped.mrr.toFixed(3)} >= keyword-only ${keyword.mrr.toFixed(3)}`);
    assert.ok(shipped.recallAt5 >= keyword.recallAt5, `${set}: shipped R@5 ${shipped.recallAt5.toFixed(3)} >= keyword-only ${keyword.recallAt5.toFixed(3)}`);
  }
  const held = results.get('v2-heldout/shipped')!;
  const gap = `held-out MRR ${held.mrr.toFixed(3)} (target ${TARGET.mrr}), Recall@5 ${held.recallAt5.toFixed(3)} (target ${TARGET.recallAt5})`;
  t.diagnostic(gap);
  console.log(gap);
  assert.ok(held.mrr >= FLOOR.mrr, `held-out MRR ${held.mrr.toFixed(3)} fell below ${FLOOR.mrr}`);
  assert.ok(held.recallAt5 >= FLOOR.recallAt5, `held-out Recall@5 ${held.recallAt5.toFixed(3)} fell below ${FLOOR.recallAt5}`);
});

/** MRR per query style (dev half). */
function byStyle(rankings: string[][], queries: EvalQuery[]): string[] {
  const styles = [...new Set(queries.map((q) => q.style ?? '-'))].sort();
  return styles.map((s) => {
    const idx = queries.map((q, i) => (q.style === s ? i : -1)).filter((i) => i >= 0);
    const m = evaluate(idx.map((i) => rankings[i]!), idx.map((i) => queries[i]!));
    return `    ${s.padEnd(14)} n=${String(idx.length).padEnd(3)} R@1 ${m.recallAt1.toFixed(2)} R@5 ${m.recallAt5.toFixed(2)} MRR ${m.mrr.toFixed(2)}`;
  });
}
