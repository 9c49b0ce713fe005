import type { Embedder } from '../local-search/embedder';

/**
 * Where a publish gets the embedding vector it sends with the metadata (optional: without one,
 * or when it fails, the server records has_vector=false and a later sync sends the vector).
 */
export interface VectorProvider {
  /** Sent as vector_model so the server can tell vectors of different models apart. */
  modelId: string;
  embed(text: string): Promise<number[]>;
}

/**
 * The publisher's vector provider over the local search embedder (resolved on first use, so
 * building the publisher never creates the search component or loads a model).
 */
export function embedderVectors(embedder: () => Embedder): VectorProvider {
  return {
    get modelId(): string {
      return embedder().id;
    },
    async embed(text: string): Promise<number[]> {
      const [v] = await embedder().embed([text]);
      if (!v) throw new Error('the embedder returned no vector');
      return Array.from(v);
    },
  };
}
