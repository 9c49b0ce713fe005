import type { Embedder } from '../local-search/embedder';
import type { VectorProvider } from './sync-run';

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
