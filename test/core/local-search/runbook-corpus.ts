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
}

export function loadEvalQueries(): EvalQuery[] {
  return (JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'search-eval-queries.json'), 'utf8')) as { queries: EvalQuery[] }).queries;
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
