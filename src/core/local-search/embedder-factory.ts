import type { SearchConfig } from '../shared/config';
import { ConfigError } from '../shared/errors';
import type { Embedder, EmbedderSpec } from './embedder';
import { WorkerEmbedder } from './worker-embedder';

/**
 * `search.embeddingModel` (ESCHER_EMBEDDING_MODEL): "use-lite" (default; ships with npm, offline)
 * or "hf:<model id>" for a transformers.js sentence model in `search.localModelPath`.
 */
export function embedderSpecFromConfig(search: SearchConfig): EmbedderSpec {
  const m = search.embeddingModel.trim();
  if (m === '' || m === 'use-lite') return { kind: 'use-lite' };
  if (m.startsWith('hf:') && /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(m.slice(3)) && !m.includes('..')) {
    return { kind: 'transformers', model: m.slice(3), localModelPath: search.localModelPath, allowRemoteModels: search.allowRemoteModels };
  }
  throw new ConfigError(`unknown embedding model "${m}"`, { hint: 'use "use-lite" or "hf:<model id>", e.g. hf:Xenova/all-MiniLM-L6-v2' });
}

export function createEmbedder(search: SearchConfig): Embedder {
  return new WorkerEmbedder(embedderSpecFromConfig(search));
}
