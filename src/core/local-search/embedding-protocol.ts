import type { HintCode } from '../shared/hint-codes';
import type { EmbedderSpec } from './embedder';

/**
 * Messages between WorkerEmbedder (main thread) and embedding-worker (worker thread).
 * The spec travels as workerData; the worker answers `ready` once the model is loaded (or
 * `failed`), then one `result`/`error` per `embed` request, matched by `reqId`. Vectors travel
 * as one flat Float32Array whose buffer is transferred, not copied.
 */
export interface WorkerInit {
  spec: EmbedderSpec;
}

export type ToWorker = { type: 'embed'; reqId: number; texts: string[] };

export type FromWorker =
  | { type: 'ready'; id: string; dimension: number }
  | { type: 'failed'; message: string; code?: string; hint?: string; hintCode?: HintCode }
  | { type: 'result'; reqId: number; flat: Float32Array; dimension: number }
  | { type: 'error'; reqId: number; message: string };
