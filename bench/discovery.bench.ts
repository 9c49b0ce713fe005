import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, promises as fs } from 'node:fs';
import { HttpEscherApi } from '../src/core/escher-api/client';
import type { EscherApi } from '../src/core/escher-api/types';
import { EmbeddedVectorStore } from '../src/core/local-search/embedded-store';
import { DEFAULT_RANKING, rankPlaybooks, rankSources } from '../src/core/local-search/hybrid-ranker';
import { KeywordIndex } from '../src/core/local-search/keyword-index';
import { embeddingText } from '../src/core/local-search/document-text';
import type { PlaybookPayload } from '../src/core/local-search/payload';
import { payloadFromMetadata } from '../src/core/local-search/payload-builder';
import { WorkerEmbedder } from '../src/core/local-search/worker-embedder';
import { PlaybookService } from '../src/core/service';
import { resolveConfig } from '../src/core/shared/config';
import { sha256 } from '../src/core/shared/hash';
import { TeamCatalog } from '../src/core/team-catalog/team-catalog';
import { startDevServer } from '../src/dev-server/server';
import { MemorySecrets } from '../test/helpers/memory-secrets';
import { loadEvalQueries, loadRunbooks, runbookMetadata } from '../test/core/local-search/runbook-corpus';
import { sample, stats, time, type BenchContext } from './harness';
import { perturb, syntheticPayloads } from './search.bench';
import { metadata } from './server.bench';

/**
 * Discovery at scale (issue 13): a second home discovering a 10,000-playbook tenant on the
 * reference server (requests, bytes, wall time) against a no-op sync in the same run, and the
 * merged search (10k local + 10k team, one ranked list, query embedding included) against the
 * local-only search over the same 10k local playbooks.
 */
export const title = 'discovery: team catalog at 10k, merged search local + team';

const TOKEN = 'bench-token';
const DIST = path.resolve(__dirname, '..', 'dist');

/** Counts the feed's requests and (re-serialised JSON) response bytes of a catalog refresh. */
function countingFeed(api: EscherApi): { api: EscherApi; requests: number; bytes: number } {
  const c = { api, requests: 0, bytes: 0 };
  c.api = Object.assign(Object.create(api) as EscherApi, {
    getChanges: async (since: number, limit?: number) => {
      const page = await api.getChanges(since, limit);
      c.requests++;
      c.bytes += JSON.stringify({ changes: page.changes, next: page.next, more: page.more }).length;
      return page;
    },
  });
  return c;
}

export async function bench(ctx: BenchContext): Promise<void> {
  await tenantDiscovery(ctx);
  await mergedSearch(ctx);
}

async function tenantDiscovery(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 1000 : 10_000;
  const server = await startDevServer({ dataDir: path.join(ctx.tmp, 'data'), tokens: { [TOKEN]: 'acme' }, trustedTokens: { 'bench-trusted': 'acme' }, durable: false });
  const api = new HttpEscherApi({ serverUrl: server.url, tenantId: 'acme', token: 'bench-trusted' });
  try {
    const script = '#!/bin/sh\necho stop\n';
    const file = path.join(ctx.tmp, 'stop.sh');
    await fs.writeFile(file, script);
    await api.uploadScript({ playbookId: 'p0', version: '1.0.0', path: 'shell/stop.sh', file, sha256: sha256(script), size: script.length });
    const ids = Array.from({ length: n }, (_, i) => `p${i}`);
    for (let i = 0; i < ids.length; i += 8) {
      await Promise.all(ids.slice(i, i + 8).map((id) => api.publishMetadata({ metadata: metadata(id, script) }, { ifNoneMatch: '*', idempotencyKey: `seed-${id}` })));
    }
    ctx.heading(`discovery of a ${n.toLocaleString('en')}-playbook tenant by a second home (reference server, loopback)`);

    const counted = countingFeed(api);
    const catalog = new TeamCatalog({ dir: path.join(ctx.tmp, 'catalog', 'team'), server: async () => counted.api, serverUrl: server.url, tenantId: 'acme' });
    const first = await time(() => catalog.refresh());
    const firstReq = counted.requests;
    const firstBytes = counted.bytes;
    const noopCatalog = await sample(ctx.quick ? 10 : 30, () => catalog.refresh());
    const listed = await time(() => catalog.list());
    ctx.row('first discovery: team catalog refresh (changes feed, pages of 500)', first.ms, 'ms', {
      baseline: noopCatalog.p50,
      note: `baseline: no-op refresh p50; ${firstReq} requests, ${(firstBytes / 2 ** 20).toFixed(1)} MiB of feed JSON; ${first.value.changed} records kept`,
    });
    ctx.row(`list the last-known catalog (${listed.value.length} records from disk, validated)`, listed.ms, 'ms');

    // A second home as the CLI builds it: `sync` = publisher sync + team catalog + library listing.
    const home = path.join(ctx.tmp, 'home-b');
    const config = resolveConfig({ home, serverUrl: server.url, tenantId: 'acme' }, {});
    const service = new PlaybookService(config, { secrets: new MemorySecrets({ 'escher.token': TOKEN }) });
    try {
      server.resetRequests();
      const firstSync = await time(() => service.syncAll());
      const firstSyncRequests = server.requests().length;
      const noop = await sample(ctx.quick ? 5 : 15, () => service.syncAll());
      server.resetRequests();
      await service.syncAll();
      const noopRequests = server.requests().length;
      ctx.row('first sync of the new home (its feed + team catalog + library)', firstSync.ms, 'ms', { baseline: noop.p50, note: `baseline: no-op sync p50; ${firstSyncRequests} requests` });
      ctx.row('no-op sync (publisher feed + team catalog + library 304)', noop.p50, 'ms', { target: '<= 3 requests', note: `${noopRequests} requests, p95 ${noop.p95.toFixed(1)} ms` });
    } finally {
      service.dispose();
    }
  } finally {
    api.close();
    await server.close();
  }
}

async function mergedSearch(ctx: BenchContext): Promise<void> {
  const runbooks = loadRunbooks();
  if (!runbooks) {
    ctx.row('merged search skipped: ../shared/data is absent', 0, '');
    return;
  }
  const size = ctx.quick ? 2000 : 10_000;
  ctx.heading(`merged search: ${size.toLocaleString('en')} local + ${size.toLocaleString('en')} team playbooks (synthetic variants, perturbed real vectors; load ${os.loadavg()[0]!.toFixed(1)})`);
  const workerDir = existsSync(path.join(DIST, 'embedding-worker.js')) ? DIST : undefined;
  const embedder = new WorkerEmbedder({ kind: 'use-lite' }, workerDir ? { workerDir } : {});
  try {
    await embedder.preload();
    const realVectors = await embedder.embed(runbooks.map((r) => embeddingText(payloadFromMetadata(runbookMetadata(r), 'local', ''))));
    const local = syntheticPayloads(runbooks, size);
    // The team's collection: other variants of the same runbooks (ids and wording differ), as a team's would.
    const team = syntheticPayloads(runbooks, size * 2).slice(size).map((p) => ({ ...p, area: 'synced' as const }));
    const build = async (name: string, payloads: PlaybookPayload[], offset: number) => {
      const keywords = KeywordIndex.empty();
      for (const p of payloads) keywords.set(p);
      const vectors = new EmbeddedVectorStore(path.join(ctx.tmp, name));
      await vectors.open({ modelId: embedder.id, dimension: 512 });
      await vectors.upsert(payloads.map((p, i) => ({ id: p.playbook_id, vector: perturb(realVectors[(i + offset) % realVectors.length]!, i + offset), payload: p })));
      const byId = new Map(payloads.map((p) => [p.playbook_id, p]));
      return { keywords, vectors, payloadOf: (id: string) => byId.get(id) };
    };
    const l = await build('local', local, 0);
    const t = await build('team', team, size);
    const queries = loadEvalQueries().map((q) => q.q);
    const reps = ctx.quick ? 30 : 100;
    // Each query is new to the model call (no query cache), so embedding is in every figure.
    for (let i = 0; i < 10; i++) await rankSources({ query: queries[i]!, limit: 10 }, [{ source: 'local', ...l }, { source: 'team', ...t }], embedder, DEFAULT_RANKING);
    const localOnly: number[] = [];
    const merged: number[] = [];
    for (let i = 0; i < reps; i++) {
      const q = { query: queries[i % queries.length]!, limit: 10 };
      localOnly.push((await time(() => rankPlaybooks(q, { ...l, embedder }, DEFAULT_RANKING))).ms);
      merged.push((await time(() => rankSources(q, [{ source: 'local', ...l }, { source: 'team', ...t }], embedder, DEFAULT_RANKING))).ms);
    }
    const m = stats(merged);
    const b = stats(localOnly);
    ctx.row('merged search p50 (local + team, query embedding included)', m.p50, 'ms', { baseline: b.p50, target: 'p50 <= 30 ms', note: `baseline: local-only search over the ${size.toLocaleString('en')} local; p95 ${m.p95.toFixed(1)} ms` });
  } finally {
    await embedder.dispose();
  }
}
