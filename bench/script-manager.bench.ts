import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { HttpEscherApi } from '../src/core/escher-api/client';
import { PlaybookStore } from '../src/core/playbook-store/store';
import { encodeRecord, type IndexEntry } from '../src/core/script-manager/cache-index';
import { CacheLayout } from '../src/core/script-manager/cache-layout';
import { createScriptManager } from '../src/core/script-manager/create';
import { ScriptCache } from '../src/core/script-manager/script-cache';
import type { ScriptManager } from '../src/core/script-manager/script-manager';
import { systemClock } from '../src/core/shared/clock';
import { resolveConfig } from '../src/core/shared/config';
import { sha256, sha256File } from '../src/core/shared/hash';
import { silentLogger } from '../src/core/shared/logger';
import type { SecretKey, SecretStore } from '../src/core/shared/secrets';
import { type BenchContext, sample, stats, built, CLI, DIST } from './harness';

export const title = 'Script manager: cache-hit resolve, 100 MB download + verify, eviction of 10k entries';

const SERVER = path.join(DIST, 'dev-server.js');
const TOKEN = 'bench-token';

class NoSecrets implements SecretStore {
  async get(_k: SecretKey): Promise<string | undefined> {
    return undefined;
  }
  async set(): Promise<void> {}
  async delete(): Promise<void> {}
}

export async function bench(ctx: BenchContext): Promise<void> {
  if (!built('dev-server.js', 'cli.js')) return;
  const bigMb = ctx.quick ? 20 : 100;
  const lib = path.join(ctx.tmp, 'library');
  await writeLibrary(lib, 'hot-path', '1.0.0', 'shell/run.sh', Buffer.from('#!/bin/sh\necho hot\n'.repeat(200)));
  await writeLibrary(lib, 'big-dump', '1.0.0', 'python/dump.py', randomBytes(bigMb * 1024 * 1024));
  // The server runs in its own process so its CPU and memory are not counted as ours.
  const server = await startServer(lib, path.join(ctx.tmp, 'server-data'));
  try {
    await cacheHits(ctx, server.url);
    await download(ctx, server.url, bigMb);
  } finally {
    server.child.kill();
  }
  await eviction(ctx);
}

function manager(home: string, serverUrl: string): { sm: ScriptManager; api: HttpEscherApi } {
  const config = resolveConfig({ home, serverUrl, tenantId: 'acme' }, {});
  const api = new HttpEscherApi({ serverUrl, tenantId: 'acme', token: TOKEN });
  const store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new NoSecrets() });
  const sm = createScriptManager(config, { store, server: async () => api, logger: silentLogger, clock: systemClock, runtimeDir: path.join(home, 'run') });
  return { sm, api };
}

async function cacheHits(ctx: BenchContext, serverUrl: string): Promise<void> {
  ctx.heading('cache-hit resolve (script of 4 KB, version pinned: no network)');
  const home = path.join(ctx.tmp, 'home-hits');
  const { sm, api } = manager(home, serverUrl);
  const first = await sm.resolveScript('hot-path', 'shell', '1.0.0');
  if (first.source !== 'download') throw new Error(`expected a download, got ${first.source}`);
  const n = ctx.quick ? 200 : 2000;
  const hits = await sample(n, async () => {
    const r = await sm.resolveScript('hot-path', 'shell', '1.0.0');
    if (r.source !== 'cache') throw new Error(r.source);
  });
  // Baseline: the irreducible part of a verified hit, reading and hashing the file.
  const floor = await sample(n, () => sha256File(first.path));
  ctx.row(`in-process resolve p50 (n=${n})`, hits.p50 * 1000, 'µs', { baseline: floor.p50 * 1000, note: 'baseline: sha256File of the same file' });
  ctx.row(`in-process resolve p99`, hits.p99 * 1000, 'µs', { baseline: floor.p99 * 1000 });
  api.close();

  const runs = ctx.quick ? 5 : 15;
  const env = { ...process.env, ESCHER_HOME: home, ESCHER_SERVER_URL: serverUrl, ESCHER_TENANT_ID: 'acme', ESCHER_TOKEN: TOKEN };
  const cli: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    const out = execFileSync(process.execPath, [CLI, 'resolve', 'hot-path', '--format', 'shell', '--version', '1.0.0'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    cli.push(performance.now() - t0);
    if (out.trim() !== first.path) throw new Error(`CLI printed ${out}`);
    t0 = performance.now();
    execFileSync(process.execPath, ['-e', '0'], { env });
    node.push(performance.now() - t0);
  }
  const c = stats(cli);
  const b = stats(node);
  ctx.row(`CLI \`node dist/cli.js resolve …\` p50 (n=${runs})`, c.p50, 'ms', { baseline: b.p50, note: 'baseline: `node -e 0`' });
  ctx.row(`CLI resolve p99`, c.p99, 'ms', { baseline: b.p99 });
}

async function download(ctx: BenchContext, serverUrl: string, mb: number): Promise<void> {
  ctx.heading(`download + verify of a ${mb} MB script from the reference server (separate process, loopback)`);
  const rounds = ctx.quick ? 1 : 3;
  const ours: number[] = [];
  const plain: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Baseline: a plain http.get of the same pre-signed URL into a file, no hashing, no checks.
    const api = new HttpEscherApi({ serverUrl, tenantId: 'acme', token: TOKEN });
    const ticket = await api.requestDownload('s3://escher-library/playbooks/big-dump/1.0.0/python/dump.py');
    api.close();
    const dest = path.join(ctx.tmp, `plain-${i}.bin`);
    let t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get(ticket.url, (res) => {
          pipeline(res, createWriteStream(dest)).then(resolve, reject);
        })
        .on('error', reject);
    });
    plain.push(performance.now() - t0);
    await fs.rm(dest);

    const home = path.join(ctx.tmp, `home-dl-${i}`);
    const m = manager(home, serverUrl);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const probe = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    t0 = performance.now();
    const r = await m.sm.resolveScript('big-dump', 'python', '1.0.0');
    ours.push(performance.now() - t0);
    clearInterval(probe);
    peak = Math.max(peak, process.memoryUsage().rss);
    rss.push(peak - before);
    if (r.source !== 'download' || r.size !== mb * 1024 * 1024) throw new Error('download bench did not download');
    m.api.close();
    await fs.rm(home, { recursive: true, force: true });
  }
  const bytes = mb * 1024 * 1024;
  const best = (xs: number[]) => Math.min(...xs);
  const oursMBs = bytes / 1024 / 1024 / (best(ours) / 1000);
  const plainMBs = bytes / 1024 / 1024 / (best(plain) / 1000);
  ctx.row(`resolve → ticket, stream, sha256, rename, index (best of ${rounds})`, oursMBs, 'MB/s', { baseline: plainMBs, target: '>= 0.7x', note: 'baseline: http.get of the same URL to a file' });
  ctx.row('peak RSS growth during the download', Math.max(...rss) / 1024 / 1024, 'MB', { target: '<= 50 MB', note: `${mb} MB script; sampled every 10 ms` });
}

async function eviction(ctx: BenchContext): Promise<void> {
  const total = ctx.quick ? 4000 : 20_000;
  const over = total / 2;
  ctx.heading(`eviction: ${total} entries of 1 KB, limit lowered so ${over} are over it`);
  const dir = path.join(ctx.tmp, 'evict-cache');
  const layout = new CacheLayout(dir);
  const body = Buffer.alloc(1024, 'e');
  const digest = sha256(body);
  const records: string[] = [];
  const now = Date.now();
  const victims: string[] = [];
  for (let i = 0; i < total; i++) {
    const ref = { playbookId: `pb-${i}`, version: '1.0.0', path: 'shell/run.sh' };
    const file = layout.scriptFile(ref);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, body);
    const entry: IndexEntry = { key: `pb-${i}@1.0.0/shell/run.sh`, path: layout.relativeScriptPath(ref), sha256: digest, size: body.length, inserted_at: now, last_access: now + i };
    records.push(encodeRecord({ op: 'put', ...entry }));
    if (i < over) victims.push(file);
  }
  await fs.writeFile(layout.indexFile, records.join(''));
  const cache = new ScriptCache({ cacheDir: dir, maxSizeMb: (over * 1024) / (1024 * 1024), ttlDays: 7 });
  await cache.open();
  const t0 = performance.now();
  const freed = await cache.evictOldCache();
  const ms = performance.now() - t0;
  if (freed !== over * 1024) throw new Error(`evicted ${freed} bytes, expected ${over * 1024}`);
  // Baseline in the same run: deleting as many files (with their folders) and nothing else.
  const spare = path.join(ctx.tmp, 'evict-baseline');
  const files: string[] = [];
  for (let i = 0; i < over; i++) {
    const f = path.join(spare, `pb-${i}-v1.0.0`, 'shell', 'run.sh');
    await fs.mkdir(path.dirname(f), { recursive: true });
    await fs.writeFile(f, body);
    files.push(f);
  }
  const b0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < files.length) await fs.rm(path.dirname(path.dirname(files[next++]!)), { recursive: true, force: true });
    }),
  );
  const baseMs = performance.now() - b0;
  ctx.row(`evictOldCache(): ${over} of ${total} entries (LRU order)`, ms, 'ms', { baseline: baseMs, note: 'baseline: fs.rm of as many entry folders, 16 at a time' });
}

async function writeLibrary(lib: string, id: string, version: string, rel: string, bytes: Buffer): Promise<void> {
  const dir = path.join(lib, id, `v${version}`);
  await fs.mkdir(path.join(dir, path.dirname(rel)), { recursive: true });
  await fs.writeFile(path.join(dir, rel), bytes);
  const now = '2026-01-01T00:00:00.000Z';
  const metadata = {
    schema_version: 1,
    playbook_id: id,
    version,
    name: id,
    description: 'bench',
    keywords: [],
    cloud_provider: 'aws',
    resource_types: [],
    storage_strategy: 'uploaded_trusted',
    scripts: [{ format: rel.split('/')[0], path: rel, sha256: sha256(bytes), size: bytes.length }],
    parameters: [],
    source: 'library',
    created_at: now,
    updated_at: now,
  };
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
}

async function startServer(lib: string, data: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--data', data, '--library', lib, '--no-fsync'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ESCHER_DEV_SERVER_TOKENS: `acme=${TOKEN}` } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl > 0) resolve(out.slice(0, nl).trim());
    });
    child.once('exit', (code) => reject(new Error(`dev-server exited ${code}`)));
  });
  return { url, child };
}
