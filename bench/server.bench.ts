import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { HttpEscherApi } from '../src/core/escher-api/client';
import { contentHash } from '../src/core/escher-api/content-hash';
import type { PublishedMetadata } from '../src/core/escher-api/types';
import { sha256 } from '../src/core/shared/hash';
import { startDevServer } from '../src/dev-server/server';
import { sample, time, type BenchContext } from './harness';

/**
 * The reference server and client, in-process over loopback: what a sync costs on the server's
 * side (the changes feed over 10k records, publish), how long a restart takes to load 10k records,
 * and raw upload/download throughput against a bare Node http baseline.
 */
export const title = 'reference Escher server + HttpEscherApi (loopback, in-process)';

const TOKEN = 'bench-token';

export function metadata(id: string, script: string): PublishedMetadata {
  const md = {
    schema_version: 1 as const,
    playbook_id: id,
    version: '1.0.0',
    name: `Playbook ${id}`,
    description: `Stops ${id} on weekends`,
    keywords: ['bench'],
    cloud_provider: 'aws' as const,
    resource_types: ['rds'],
    storage_strategy: 'uploaded_trusted' as const,
    scripts: [{ format: 'shell' as const, path: 'shell/stop.sh', sha256: sha256(script), size: Buffer.byteLength(script) }],
    parameters: [],
    source: 'user' as const,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
  return { ...md, content_hash: contentHash(md) };
}

export async function bench(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 1000 : 10_000;
  const dataDir = path.join(ctx.tmp, 'data');
  let server = await startDevServer({ dataDir, tokens: { [TOKEN]: 'acme' }, durable: false });
  let api = new HttpEscherApi({ serverUrl: server.url, tenantId: 'acme', token: TOKEN });
  const script = '#!/bin/sh\necho stop\n';
  const scriptFile = path.join(ctx.tmp, 'stop.sh');
  await fs.writeFile(scriptFile, script);
  await api.uploadScript({ playbookId: 'p0', version: '1.0.0', path: 'shell/stop.sh', file: scriptFile, sha256: sha256(script), size: script.length });

  ctx.heading(`publish and the changes feed, ${n} playbooks in one tenant`);
  await sample(200, () => api.health()); // warm-up
  const health = await sample(200, () => api.health());
  let next = 0;
  const seed = await time(async () => {
    const ids = Array.from({ length: n }, (_, i) => `p${i}`);
    for (let i = 0; i < ids.length; i += 8) {
      await Promise.all(ids.slice(i, i + 8).map((id) => api.publishMetadata({ metadata: metadata(id, script) }, { ifNoneMatch: '*', idempotencyKey: `seed-${id}` })));
    }
  });
  ctx.row(`publish (8 in flight, fsync off), per playbook`, seed.ms / n, 'ms', { baseline: health.p50, note: 'baseline: GET /api/health p50' });
  const durableServer = await startDevServer({ dataDir: path.join(ctx.tmp, 'durable'), tokens: { [TOKEN]: 'acme' } });
  const durableApi = new HttpEscherApi({ serverUrl: durableServer.url, tenantId: 'acme', token: TOKEN });
  await durableApi.uploadScript({ playbookId: 'd0', version: '1.0.0', path: 'shell/stop.sh', file: scriptFile, sha256: sha256(script), size: script.length });
  const durable = await sample(ctx.quick ? 20 : 100, (i) => durableApi.publishMetadata({ metadata: metadata(`d${i}`, script) }, { ifNoneMatch: '*', idempotencyKey: `d-${i}` }));
  ctx.row('publish, durable (fsync record + dir), sequential p50', durable.p50, 'ms', { baseline: health.p50 });
  durableApi.close();
  await durableServer.close();
  const all = await time(async () => {
    for (let more = true; more; ) {
      const page = await api.getChanges(next, 1000);
      next = page.next;
      more = page.more;
    }
  });
  ctx.row(`full feed download (${n} records, pages of 1000)`, all.ms, 'ms');
  const warmHealth = await sample(300, () => api.health());
  const noop = await sample(300, () => api.getChanges(next));
  ctx.row('no-op sync: GET /api/changes?since=<latest> p50', noop.p50, 'ms', { baseline: warmHealth.p50, target: '~1x (one small request)', note: 'baseline: GET /api/health, warm' });
  ctx.row('no-op sync p99', noop.p99, 'ms', { baseline: warmHealth.p99 });

  api.close();
  await server.close();
  const restart = await time(() => startDevServer({ dataDir, tokens: { [TOKEN]: 'acme' }, durable: false }));
  server = restart.value;
  api = new HttpEscherApi({ serverUrl: server.url, tenantId: 'acme', token: TOKEN });
  const firstCall = await time(() => api.getChanges(next));
  ctx.row(`restart: start (loads ${n} records) + first feed call`, restart.ms + firstCall.ms, 'ms');

  const mb = ctx.quick ? 16 : 100;
  ctx.heading(`a ${mb} MB script: upload and download through the client vs bare Node http`);
  const big = path.join(ctx.tmp, 'big.bin');
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(big);
    out.on('error', reject);
    for (let i = 0; i < mb; i++) {
      const c = randomBytes(1024 * 1024);
      hash.update(c);
      out.write(c);
    }
    out.end(resolve);
  });
  const digest = hash.digest('hex');
  const size = mb * 1024 * 1024;
  // Best of 3, ours and the baseline interleaved, so a noisy neighbour hurts both alike.
  const best = { up: Infinity, baseUp: Infinity, down: Infinity, baseDown: Infinity };

  for (let round = 0; round < 3; round++) {
    const up = await time(() => api.uploadScript({ playbookId: 'big', version: '1.0.0', path: 'shell/big.sh', file: big, sha256: digest, size }));

    best.up = Math.min(best.up, up.ms);
    best.baseUp = Math.min(best.baseUp, (await time(() => bareUpload(big))).ms);
    const ticket = await api.requestDownload(up.value.s3_path);
    const down = await time(async () => {
      const h = createHash('sha256');
      for await (const c of (await api.fetchStream(ticket.url)).stream) h.update(c as Buffer);
      return h.digest('hex');
    });
    if (down.value !== digest) throw new Error('download mismatch');
    best.down = Math.min(best.down, down.ms);
    const baseDown = await time(
      () =>
        new Promise<void>((resolve, reject) => {
          http.get(ticket.url, (res) => {
            const h = createHash('sha256');
            res.on('data', (c: Buffer) => h.update(c));
            res.on('end', () => resolve());
            res.on('error', reject);
          });
        }),
    );
    best.baseDown = Math.min(best.baseDown, baseDown.ms);
  }
  const mbs = (ms: number): number => mb / (ms / 1000);
  ctx.row('upload through the client (server hashes + stores), best of 3', mbs(best.up), 'MB/s', { baseline: mbs(best.baseUp), note: 'baseline: http POST to a bare server hashing + writing a file' });
  ctx.row('fetchStream + sha256, best of 3', mbs(best.down), 'MB/s', { baseline: mbs(best.baseDown), target: '>= 0.7x', note: 'baseline: http.get + sha256 of the same URL' });
  api.close();
  await server.close();
}

/** Baseline: the cheapest streamed upload that does the same work (hash + write a file) over loopback. */
async function bareUpload(file: string): Promise<void> {
  const dest = file + '.bare';
  const srv = http.createServer((req, res) => {
    const out = createWriteStream(dest);
    const h = createHash('sha256');
    req.on('data', (c: Buffer) => h.update(c));
    req.pipe(out).on('finish', () => res.end(h.digest('hex')));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const { size } = await fs.stat(file);
  await new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': size } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    void import('node:fs').then(({ createReadStream }) => createReadStream(file).pipe(req));
  });
  await new Promise<void>((r) => srv.close(() => r()));
  await fs.rm(dest, { force: true });
}
