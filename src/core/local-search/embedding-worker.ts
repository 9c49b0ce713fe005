import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './embedding-protocol';
import { loadEmbeddingModel } from './embedding-model';
import type { EmbeddingModel } from './embedder';
import { isEscherError } from '../shared/errors';

/**
 * Worker-thread entry (bundled to dist/embedding-worker.js): hosts one embedding model so that
 * model load and inference never block the extension host's or the CLI's event loop.
 */
const port = parentPort;
if (!port) throw new Error('embedding-worker must run in a worker thread');

const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function main(init: WorkerInit): Promise<void> {
  let model: EmbeddingModel;
  try {
    model = await loadEmbeddingModel(init.spec);
  } catch (e) {
    const err = e as Error;
    post({ type: 'failed', message: err.message, ...(isEscherError(e) ? { code: e.code, hint: e.hint, hintCode: e.hintCode } : {}) });
    return;
  }
  // Requests are handled one at a time: the model is single-threaded anyway.
  let queue = Promise.resolve();
  port!.on('message', (msg: ToWorker) => {
    queue = queue.then(async () => {
      try {
        const vectors = await model.embed(msg.texts);
        const flat = new Float32Array(vectors.length * model.dimension);
        vectors.forEach((v, i) => flat.set(v, i * model.dimension));
        post({ type: 'result', reqId: msg.reqId, flat, dimension: model.dimension }, [flat.buffer as ArrayBuffer]);
      } catch (e) {
        post({ type: 'error', reqId: msg.reqId, message: (e as Error).message });
      }
    });
  });
  post({ type: 'ready', id: model.id, dimension: model.dimension });
}

void main(workerData as WorkerInit);
