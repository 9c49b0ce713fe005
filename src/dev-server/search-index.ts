import MiniSearch from 'minisearch';
import type { PublishedMetadata, ServerSearchHit } from '../core/escher-api/types';

interface Doc {
  id: string;
  playbook_id: string;
  version: string;
  source: 'tenant' | 'library';
  name: string;
  description: string;
  keywords: string;
  resource_types: string;
  cloud_provider: string;
}

/**
 * What the server's playbook agent does with a question: BM25 keyword ranking (minisearch) over
 * the tenant's live playbooks plus the Escher Library, returning references the client resolves
 * locally. Rebuilt lazily when the tenant's seq moved (a reference server, not a search engine).
 */
export class SearchIndex {
  private index: MiniSearch<Doc> | undefined;
  private builtAt = -1;

  search(
    query: string,
    limit: number,
    stamp: number,
    docs: () => Iterable<{ source: 'tenant' | 'library'; metadata: PublishedMetadata }>,
  ): ServerSearchHit[] {
    if (!this.index || this.builtAt !== stamp) {
      const index = new MiniSearch<Doc>({
        fields: ['name', 'description', 'keywords', 'resource_types', 'cloud_provider'],
        storeFields: ['playbook_id', 'version', 'source', 'name'],
        searchOptions: { boost: { name: 3, keywords: 2, resource_types: 2 }, prefix: true, fuzzy: 0.15, combineWith: 'OR' },
      });
      const seen = new Set<string>();
      for (const { source, metadata: m } of docs()) {
        const id = `${source}:${m.playbook_id}`;
        if (seen.has(id)) continue;
        seen.add(id);
        index.add({
          id,
          playbook_id: m.playbook_id,
          version: m.version,
          source,
          name: m.name,
          description: m.description,
          keywords: m.keywords.join(' '),
          resource_types: m.resource_types.join(' '),
          cloud_provider: m.cloud_provider,
        });
      }
      this.index = index;
      this.builtAt = stamp;
    }
    return this.index
      .search(query)
      .slice(0, limit)
      .map((r) => ({
        playbook_id: String(r.playbook_id),
        version: String(r.version),
        source: r.source === 'library' ? 'library' : 'tenant',
        name: String(r.name),
        score: Math.round(r.score * 1000) / 1000,
      }));
  }
}
