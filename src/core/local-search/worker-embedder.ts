import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError, EscherError } from '../shared/errors';
import type { Embedder, EmbedderSpec } from './embedder';
import { USE_LITE_DIMENSION, embedderId } from './embedder';
import type { FromWorker, ToWorker, WorkerInit } from './embedding-protocol';

export function workerScript(dir: string = __dirname): { file: string; eval: boolean } {
  const js = path.join(dir, 'embedding-worker.js');
  if (existsSync(js)) return { file: js, eval: false };
  const ts = path.join(dir, 'embedding-worker.ts');
  if (existsSync(ts)) return { file: ts, eval: true };
  throw new ConfigError(`embedding worker not found next to ${dir}`, { hint: 'rebuild with `npm run build` (it emits dist/embedding-worker.js)' });
}

interface Pending {
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

/**
 * The default Embedder: the model lives in a worker thread, spawned and loaded on first use.
 *
 * Where the worker script is: next to this module's code. Bundled (dist/cli.js,
 * dist/extension.js) that is dist/embedding-worker.js, which esbuild emits beside them; run from
 * the TypeScript sources (tests, benches under tsx) it is embedding-worker.ts in this folder,
 * started through tsx's CommonJS register hook, which only exists in a dev checkout.
 */
export class WorkerEmbedder implements Embedder {
  readonly id: string;
  private worker: Worker | undefined;
  private ready: Promise<{ dimension: number }> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;

  /** `workerDir`: where embedding-worker.{js,ts} is (default: next to this module). */
  constructor(
    private readonly spec: EmbedderSpec,
    private readonly options: { workerDir?: string } = {},
  ) {
    this.id = embedderId(spec);
  }

  async dimension(): Promise<number> {
    if (this.spec.kind === 'use-lite') return USE_LITE_DIMENSION;
    return (await this.start()).dimension;
  }

  async preload(): Promise<void> {
    await this.start();
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.start();
    const worker = this.worker!;
    const reqId = this.nextReq++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      this.pending.set(reqId, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: 'embed', reqId, texts: [...texts] } satisfies ToWorker);
    });
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.failAll(new EscherError('CANCELLED', 'embedding model was shut down'));
    if (w) await w.terminate();
  }

  private start(): Promise<{ dimension: number }> {
    this.ready ??= new Promise((resolve, reject) => {
      const script = workerScript(this.options.workerDir);
      const init: WorkerInit = { spec: this.spec };
      const worker = script.eval
        ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script.file)});`, { eval: true, workerData: init })
        : new Worker(script.file, { workerData: init });
      // Referenced while loading or embedding, unreferenced when idle: an idle model must not keep
      // the CLI process alive.
      this.worker = worker;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            if (m.id !== this.id) reject(new ConfigError(`embedding worker loaded ${m.id}, expected ${this.id}`));
            else resolve({ dimension: m.dimension });
            if (this.pending.size === 0) worker.unref();
            break;
          case 'failed':
            reject(m.code === 'CONFIG' ? new ConfigError(m.message, { hint: m.hint, hintCode: m.hintCode }) : new Error(`embedding model failed to load: ${m.message}`));
            void this.dispose();
            break;
          case 'result': {
            const p = this.settle(m.reqId);
            const out: Float32Array[] = [];
            for (let i = 0; i < m.flat.length / m.dimension; i++) out.push(m.flat.subarray(i * m.dimension, (i + 1) * m.dimension));
            p?.resolve(out);
            break;
          }
          case 'error':
            this.settle(m.reqId)?.reject(new Error(`embedding failed: ${m.message}`));
            break;
        }
      });
      worker.on('error', (e) => {
        reject(e);
        this.failAll(e);
        this.worker = undefined;
        this.ready = undefined;
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.ready = undefined;
          const e = new Error(`embedding worker exited (code ${code})`);
          reject(e);
          this.failAll(e);
        }
      });
    });
    return this.ready;
  }

  private settle(reqId: number): Pending | undefined {
    const p = this.pending.get(reqId);
    this.pending.delete(reqId);
    if (this.pending.size === 0) this.worker?.unref();
    return p;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
