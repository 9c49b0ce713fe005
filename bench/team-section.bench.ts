import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChangesPage, EscherApi, PlaybookRecord } from '../src/core/escher-api/types';
import { teamVersions, TeamCatalog } from '../src/core/team-catalog/team-catalog';
import { TeamListing } from '../src/extension/team/team-listing';
import { TeamRootNode } from '../src/extension/team/team-nodes';
import { teamRowsFrom } from '../src/extension/team/team-rows';
import { teamSection } from '../src/extension/team/team-section';
import type { TreeNode } from '../src/extension/tree/tree-node';
import { makeMetadata } from '../test/dev-server/fixtures';
import { type BenchContext, stats } from './harness';

export const title = "VS Code extension: the Team section over a 10k-playbook tenant's catalog";

/**
 * The Team section over a team catalog of n records on disk (written by the real TeamCatalog from
 * a feed of valid records): how long the section's first row takes (it must not wait for the
 * catalog), the catalog read plus the rows built from it, and opening the section and one page.
 * Baseline in the same run: the catalog's own listing (TeamCatalog.list(), what any reader of the
 * team's metadata pays).
 */
export async function bench(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 1000 : 10_000;
  ctx.heading(`Team section over ${n} team playbooks`);
  const dir = path.join(ctx.tmp, 'team');
  const catalog = new TeamCatalog({ dir, server: async () => feed(n), serverUrl: 'http://127.0.0.1:1', tenantId: 'acme' });
  await catalog.refresh();

  const base: number[] = [];
  const rowsRead: number[] = [];
  const firstDraw: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < (ctx.quick ? 2 : 5); i++) {
    let t = performance.now();
    const records = await catalog.list();
    base.push(performance.now() - t);

    const listing = new TeamListing({ configured: () => true, rows: async () => teamRowsFrom(await catalog.list(), new Set(), teamVersions), refresh: async () => ({ online: true, changed: 0 }) });
    t = performance.now();
    const [root] = await teamSection(listing).roots();
    await root?.getTreeItem();
    firstDraw.push(performance.now() - t);
    t = performance.now();
    await listing.rows();
    rowsRead.push(performance.now() - t);
    t = performance.now();
    const pages: TreeNode[] = await (root as TeamRootNode).getChildren();
    for (const p of pages) await p.getTreeItem();
    const rows = await pages[Math.floor(pages.length / 2)]!.getChildren();
    for (const r of rows) await r.getTreeItem();
    open.push(performance.now() - t);
    listing.dispose();
    if (records.length !== n) throw new Error(`the catalog lists ${records.length} of ${n}`);
  }
  const b = stats(base).mean;
  const note = 'baseline: TeamCatalog.list() of the same catalog';
  ctx.row('first draw of the Team row (does not wait for the catalog)', stats(firstDraw).mean, 'ms', { baseline: b, note });
  ctx.row(`catalog read + ${n} rows built and sorted (in the background)`, stats(rowsRead).mean, 'ms', { baseline: b, note });
  ctx.row('open the section (pages) and one page of 200 rows, items built', stats(open).mean, 'ms', { baseline: b, target: 'responsive (< 150 ms)', note });
  await fs.rm(dir, { recursive: true, force: true });
}

/** A changes feed of n valid records, 500 a page. */
function feed(n: number): EscherApi {
  const record = (i: number): PlaybookRecord => {
    const id = `team-playbook-${i}`;
    const metadata = makeMetadata(id, '1.0.0', { 'shell/run.sh': `echo ${i}\n` }, { name: `Team runbook ${i}` });
    return { playbook_id: id, revision: `${i + 1}-r`, seq: i + 1, deleted: false, latest_version: '1.0.0', versions: { '1.0.0': { version: '1.0.0', metadata, review_status: 'pending', published_at: metadata.updated_at, has_vector: false } }, updated_at: metadata.updated_at };
  };
  return {
    getChanges: async (since: number, limit = 500): Promise<ChangesPage> => {
      const changes = Array.from({ length: Math.max(0, Math.min(limit, n - since)) }, (_, k) => record(since + k));
      return { changes, next: since + changes.length, more: since + changes.length < n };
    },
  } as unknown as EscherApi;
}
