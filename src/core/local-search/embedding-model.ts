import type { EmbedderSpec } from './embedder';
import { loadTransformersModel } from './transformers-model';
import { loadUseLiteModel } from './use-lite-model';

/** A model loaded in the current thread. The worker hosts one; tests and benches may use one directly. */
export interface EmbeddingModel {
  readonly id: string;
  readonly dimension: number;
  /** Unit-length vectors, one per text. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export async function loadEmbeddingModel(spec: EmbedderSpec): Promise<EmbeddingModel> {
  return spec.kind === 'use-lite' ? loadUseLiteModel() : loadTransformersModel(spec);
}
