import type { EmbedderSpec, EmbeddingModel } from './embedder';
import { loadTransformersModel } from './transformers-model';
import { loadUseLiteModel } from './use-lite-model';

export async function loadEmbeddingModel(spec: EmbedderSpec): Promise<EmbeddingModel> {
  return spec.kind === 'use-lite' ? loadUseLiteModel() : loadTransformersModel(spec);
}
