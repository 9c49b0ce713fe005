import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ParameterSpec, PlaybookMetadata } from '../../../src/core/playbook-store/metadata';

/**
 * The 175 real AWS runbooks in ../shared/data/aws-runbooks.json, turned into playbook metadata.
 * The data is read from the shared folder, never copied into the repository; callers skip when
 * it is absent (a fresh checkout has no ../shared).
 */
export const SHARED_DATA = [path.resolve(__dirname, '../../../../shared/data'), '/work/shared/data'].find((d) => existsSync(d));

export interface Runbook {
  name: string;
  description: string;
  parameters: { name: string; type: string; description: string }[];
}

export function loadRunbooks(): Runbook[] | undefined {
  if (!SHARED_DATA) return undefined;
  return JSON.parse(readFileSync(path.join(SHARED_DATA, 'aws-runbooks.json'), 'utf8')) as Runbook[];
}

export const SKIP_NO_SHARED = '../shared/data is absent (fresh checkout): the runbook corpus lives outside the repository';

const TYPE: Record<string, ParameterSpec['type']> = { String: 'string', StringList: 'list', Boolean: 'boolean', Integer: 'integer', MapList: 'json', StringMap: 'json' };

/** A playbook id for a runbook name: lower-case, [a-z0-9-], at most 64 characters (the store's limit). */
export function runbookId(name: string, suffix = ''): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return base.slice(0, 64 - suffix.length).replace(/-$/, '') + suffix;
}

export function runbookParameters(r: Runbook): ParameterSpec[] {
  return r.parameters.map((p) => ({ name: p.name, type: TYPE[p.type] ?? 'string', description: p.description }));
}

/** Metadata as the store would write it (no scripts: the runbooks are metadata only). */
export function runbookMetadata(r: Runbook, opts: { idSuffix?: string; nameSuffix?: string } = {}): PlaybookMetadata {
  return {
    schema_version: 1,
    playbook_id: runbookId(r.name, opts.idSuffix),
    version: '1.0.0',
    name: r.name + (opts.nameSuffix ?? ''),
    description: r.description,
    keywords: [],
    cloud_provider: 'aws',
    resource_types: [],
    storage_strategy: 'local_only',
    scripts: [],
    parameters: runbookParameters(r),
    source: 'library',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

export interface EvalQuery {
  q: string;
  expected: string[];
  /** How the query is phrased (second set only): ticket, terse, typo, acronym, … */
  style?: string;
}

/**
 * The evaluation query sets (fixtures/):
 *  - `v1`: 60 queries written before any ranking code; the old fusion weight was chosen on them;
 *  - `v2-dev`: half of a second set written by a session that never saw the ranking code; ranking
 *    choices are tuned on it;
 *  - `v2-heldout`: the other half, only ever evaluated to report, never tuned on.
 */
export const QUERY_SETS = { v1: 'search-eval-queries.json', 'v2-dev': 'search-queries-v2-dev.json', 'v2-heldout': 'search-queries-v2-heldout.json' } as const;
export type QuerySetName = keyof typeof QUERY_SETS;

export function loadQuerySet(name: QuerySetName): EvalQuery[] {
  return (JSON.parse(readFileSync(path.join(__dirname, 'fixtures', QUERY_SETS[name]), 'utf8')) as { queries: EvalQuery[] }).queries;
}

/** The first set (the bench's query mix). */
export function loadEvalQueries(): EvalQuery[] {
  return loadQuerySet('v1');
}

export interface Metrics {
  recallAt1: number;
  recallAt5: number;
  mrr: number;
}

/** Recall@k = share of queries with an expected runbook in the top k; MRR over the first expected one (0 past rank 10). */
export function evaluate(rankings: string[][], queries: EvalQuery[]): Metrics {
  let r1 = 0;
  let r5 = 0;
  let rr = 0;
  rankings.forEach((names, i) => {
    const exp = new Set(queries[i]!.expected);
    const rank = names.slice(0, 10).findIndex((n) => exp.has(n));
    if (rank === 0) r1++;
    if (rank >= 0 && rank < 5) r5++;
    if (rank >= 0) rr += 1 / (rank + 1);
  });
  const n = queries.length;
  return { recallAt1: r1 / n, recallAt5: r5 / n, mrr: rr / n };
}
