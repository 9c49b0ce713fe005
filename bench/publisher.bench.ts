import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HttpEscherApi } from '../src/core/escher-api/client';
import { tenantS3Path } from '../src/core/escher-api/s3-path';
import type { PlaybookRecord } from '../src/core/escher-api/types';
import { BaseStore } from '../src/core/metadata-publisher/base-store';
import { toPublishedMetadata } from '../src/core/metadata-publisher/extract';
import { MetadataPublisher } from '../src/core/metadata-publisher/publisher';
import { SYNC_STATE_FORMAT, type SyncState } from '../src/core/metadata-publisher/sync-state';
import { PlaybookStore } from '../src/core/playbook-store/store';
import type { CreatePlaybookInput } from '../src/core/playbook-store/types';
import { sha256 } from '../src/core/shared/hash';
import { mapLimit } from '../src/core/shared/map-limit';
import type { SecretKey, SecretStore } from '../src/core/shared/secrets';
import { startDevServer } from '../src/dev-server/server';
import { type BenchContext, sample, stats } from './harness';

export const title = 'metadata publisher: sync and publish against the reference server on loopback';

const TENANT = 'bench';
const TOKEN = 'bench-token';
const STOP = '#!/bin/sh\naws rds stop-db-instance --db-instance-identifier "$1"\n';
const PY = 'import sys\nprint("stopping", sys.argv[1])\n';

/**
 * Seeding (not measured): N playbooks through the store's batched import (synced/), the same N
 * records written into the server's data dir (as a past publish would have left them, blobs
 * included) and the sync state + merge bases that agree with both. Measured: the real syncAllMetadata /
 * publishMetadata over HTTP, with the request and byte counts the publisher reports.
 * Baseline: a bare GET /api/health round trip on the same client, in the same run.
 */
export async function bench(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 1000 : 10_000;
  const home = path.join(ctx.tmp, 'home');
  const dataDir = path.join(ctx.tmp, 'server');
  const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: memorySecrets() });
  const inputs: CreatePlaybookInput[] = Array.from({ length: n }, (_, i) => ({
    playbook_id: `pb-${String(i).padStart(5, '0')}`,
    name: `Stop idle RDS ${i}`,
    description: `Stops the dev database ${i} at night and on weekends to save cost.`,
    keywords: ['rds', 'cost', `team-${i % 50}`],
    cloud_provider: 'aws',
    resource_types: ['rds'],
    storage_strategy: 'uploaded_trusted',
    area: 'synced',
    scripts: [
      { path: 'shell/stop.sh', content: STOP },
      { path: 'python/stop.py', content: PY },
    ],
  }));
  const seedStart = performance.now();
  const created = await store.createPlaybooks(inputs);
  if (created.some((r) => !r.ok)) throw new Error('seeding the store failed');
  await seedServerAndState(store, home, dataDir, n);
  ctx.row(`seed ${n} playbooks (store import + server records + state; not the measurement)`, (performance.now() - seedStart) / 1000, 's');
  // Let the store catalog's racy window (2 s) pass, as between real edits and a sync.
  await new Promise((r) => setTimeout(r, 2100));

  const server = await startDevServer({ dataDir, tokens: { [TOKEN]: TENANT }, durable: true });
  const api = new HttpEscherApi({ serverUrl: server.url, tenantId: TENANT, token: TOKEN });
  let lastPhases = '';
  const logger = { debug: (m: string) => m.startsWith('sync: load') && (lastPhases = m), info() {}, warn() {}, error() {} };
  const publisher = new MetadataPublisher({ store, api, syncDir: path.join(home, 'sync'), tenantId: TENANT, serverUrl: server.url, syncEnabled: true, syncIntervalMinutes: 5, logger });
  try {
    await api.health();
    const warm = await publisher.syncAllMetadata(); // opens the tenant on the server, builds the catalog
    if (warm.published.length || warm.updated.length || warm.failed.length) throw new Error(`seeded state is not in agreement: ${JSON.stringify(warm).slice(0, 300)}`);
    const health = await sample(20, () => api.health());

    ctx.heading(`no-op sync over ${n} synced playbooks`);
    const reports: Array<{ requests: number; bytesSent: number }> = [];
    const noop = await sample(7, async () => reports.push(await publisher.syncAllMetadata()));
    ctx.row('no-op sync, p50', noop.p50, 'ms', { baseline: health.p50, target: '<= 500 ms', note: 'baseline: GET /api/health p50' });
    ctx.row('no-op sync, p95', noop.p95, 'ms', { baseline: health.p95 });
    const list = await sample(7, () => store.listPlaybooks());
    ctx.row('no-op sync, p50 vs the store listing alone', noop.p50, 'ms', { baseline: list.p50, note: 'baseline: store.listPlaybooks() p50 (the catalog the sync must read)' });
    // A CLI one-shot: fresh store and publisher objects, so the catalog and the sync state are read
    // and parsed from disk (the rows above are a long-lived process: extension, sync --watch).
    const cold = await sample(3, async () => {
      const coldStore = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: memorySecrets() });
      const coldPublisher = new MetadataPublisher({ store: coldStore, api, syncDir: path.join(home, 'sync'), tenantId: TENANT, serverUrl: server.url, syncEnabled: true, syncIntervalMinutes: 5 });
      const r = await coldPublisher.syncAllMetadata();
      if (r.requests !== 1) throw new Error(`cold no-op sync made ${r.requests} requests`);
    });
    ctx.row('no-op sync, cold process (state + catalog read from disk), p50', cold.p50, 'ms', { baseline: noop.p50, target: '<= 500 ms', note: 'baseline: warm no-op sync p50' });
    ctx.row('no-op sync, requests', reports[0]!.requests, 'req', { target: '<= 3' });
    ctx.row('no-op sync, request bytes sent', reports[0]!.bytesSent, 'B', { note: lastPhases });

    ctx.heading(`sync after changing 10 of ${n}`);
    const tenRuns: Array<{ ms: number; requests: number; bytes: number }> = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10; i++) await store.updatePlaybook(`pb-${String((round * 97 + i * 37) % n).padStart(5, '0')}`, { description: `round ${round}: now also stops read replicas` });
      const t0 = performance.now();
      const r = await publisher.syncAllMetadata();
      tenRuns.push({ ms: performance.now() - t0, requests: r.requests, bytes: r.bytesSent });
      if (r.updated.length !== 10) throw new Error(`expected 10 updates, got ${r.updated.length}`);
    }
    const tenMs = stats(tenRuns.map((x) => x.ms));
    ctx.row('sync of 10 changed, p50', tenMs.p50, 'ms', { baseline: noop.p50, note: 'baseline: no-op sync p50' });
    ctx.row('sync of 10 changed, requests', tenRuns[0]!.requests, 'req', { note: `${((tenRuns[0]!.requests - 1) / 10).toFixed(1)} per changed playbook (metadata-only edit: one publish) + 1 feed` });
    ctx.row('sync of 10 changed, request bytes sent', tenRuns[0]!.bytes, 'B', { note: `${Math.round(tenRuns[0]!.bytes / 10)} B per changed playbook` });
    ctx.row('sync of 10 changed, phases of the last run', 0, '', { note: lastPhases });

    ctx.heading('publish one new playbook end to end (2 new scripts, upload + publish + move to synced/)');
    let k = 0;
    const pubReports: Array<{ requests: number; bytesSent: number }> = [];
    const pub = await sample(7, async () => {
      const id = `new-${k++}`;
      await store.createPlaybook({ ...inputs[0]!, playbook_id: id, area: 'local', scripts: [{ path: 'shell/stop.sh', content: `${STOP}# ${id}\n` }, { path: 'python/stop.py', content: `${PY}# ${id}\n` }] });
      const r = await publisher.publishMetadata(id, { strategy: 'uploaded_trusted' });
      if (r.status !== 'published') throw new Error(`publish ${id}: ${r.status}`);
      pubReports.push(r.report);
    });
    ctx.row('publish end to end, p50', pub.p50, 'ms', { baseline: health.p50, note: 'baseline: GET /api/health p50' });
    ctx.row('publish end to end, requests', pubReports[0]!.requests, 'req', { note: 'check + 2 uploads + publish' });
    ctx.row('publish end to end, request bytes sent', pubReports[0]!.bytesSent, 'B');
  } finally {
    api.close();
    await server.close();
  }
}

async function seedServerAndState(store: PlaybookStore, home: string, dataDir: string, n: number): Promise<void> {
  const tenantDir = path.join(dataDir, 'tenants', TENANT);
  await fs.mkdir(path.join(tenantDir, 'records'), { recursive: true });
  for (const body of [STOP, PY]) {
    const sha = sha256(body);
    const file = path.join(tenantDir, 'blobs', sha.slice(0, 2), sha);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, body);
  }
  const summaries = await store.listPlaybooks({ area: 'synced' });
  const state: SyncState = { format: SYNC_STATE_FORMAT, cursor: n, last_sync_at: null, last_attempt_at: null, last_error: null, playbooks: {}, outbox: [], conflicts: [], unapplied: [] };
  const now = new Date().toISOString();
  let seq = 0;
  const bases = new BaseStore(path.join(home, 'sync', 'base'));
  await mapLimit(summaries, 32, async (s) => {
    const pb = await store.getPlaybook(s.playbook_id);
    const published = toPublishedMetadata(pb.metadata, TENANT);
    published.scripts = published.scripts.map((x) => ({ ...x, s3_path: tenantS3Path(TENANT, s.playbook_id, s.version, x.path) }));
    const mySeq = ++seq;
    const record: PlaybookRecord = {
      playbook_id: s.playbook_id,
      revision: `${mySeq}-seed`,
      seq: mySeq,
      deleted: false,
      latest_version: s.version,
      versions: { [s.version]: { version: s.version, metadata: published, review_status: 'approved', published_at: now, has_vector: false } },
      updated_at: now,
    };
    await fs.writeFile(path.join(tenantDir, 'records', `${s.playbook_id}.json`), JSON.stringify({ format: 1, record, vectors: {} }));
    await bases.put(published);
    state.playbooks[s.playbook_id] = {
      revision: record.revision,
      seq: mySeq,
      local_version: s.version,
      local_hash: s.content_hash,
      remote_version: s.version,
      remote_hash: published.content_hash,
      sent_hashes: [published.content_hash],
      review_status: 'approved',
      has_vector: false,
      synced_at: now,
    };
  });
  state.cursor = seq;
  await fs.mkdir(path.join(home, 'sync'), { recursive: true });
  await fs.writeFile(path.join(home, 'sync', 'sync_state.json'), JSON.stringify(state));
}

function memorySecrets(): SecretStore {
  const m = new Map<SecretKey, string>();
  return { get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v), delete: async (k) => void m.delete(k) };
}
