import * as path from 'node:path';
import type { CallOptions } from '../escher-api/types';
import type { HitSource, SearchHit } from '../local-search/hybrid-ranker';
import type { LocalSearch } from '../local-search/local-search';
import { SEARCH_DIR } from '../local-search/local-search';
import type { SearchOptions } from '../local-search/search-api';
import { SourceCollection, type SourceEntry, type SourceSyncReport } from '../local-search/source-collection';
import type { PlaybookMetadata } from '../playbook-store/metadata';
import type { PlaybookStoreApi } from '../playbook-store/types';
import type { Clock } from '../shared/clock';
import { ValidationError } from '../shared/errors';
import { inStore } from '../team-catalog/clone';
import type { LibraryCatalog } from '../team-catalog/library-catalog';
import { teamVersions, type RefreshResult, type TeamCatalog } from '../team-catalog/team-catalog';

import { SEARCH_SOURCES, type SearchSource } from './search-sources';

export { SEARCH_SOURCES, type SearchSource };

export interface MergedSearchOptions extends SearchOptions {
  /** Which collections to rank (default 'all'). An `area` filter concerns the user's store only: remote sources are then left out. */
  source?: SearchSource;
}

/** A hit of the merged search: where it lives, and (team, library) the review a client may act on. */
export type SourcedHit = SearchHit & { source: HitSource; review_status?: string };

export interface MergedSearchResponse {
  hits: SourcedHit[];
  backend: 'embedded' | 'qdrant';
  warnings: string[];
  indexing?: number;
  /** What bringing the team and library collections in step with their catalogs did (absent: not searched). */
  indexed: { team?: SourceSyncReport; library?: SourceSyncReport };
}

export interface DiscoveryOptions {
  search: LocalSearch;
  store: PlaybookStoreApi;
  team: TeamCatalog;
  library: LibraryCatalog;
  /** $ESCHER_HOME (the collections live in <home>/search/team and <home>/search/library). */
  home: string;
  clock: Clock;
}

/**
 * Discovery across sources: the user's playbooks, the team's (tenant's) published playbooks and
 * the Escher Library, as one ranked list. Team and library metadata come from their last-known
 * catalogs (refreshed by `refresh()` when a server is reachable), indexed in collections of their
 * own beside the user_playbooks collection, so team search works offline. A remote hit whose id is
 * in the user's store is left out (the local hit stands for it).
 */
export class Discovery {
  private readonly team: SourceCollection;
  private readonly library: SourceCollection;

  constructor(private readonly o: DiscoveryOptions) {
    const dir = path.join(o.home, SEARCH_DIR);
    this.team = new SourceCollection(path.join(dir, 'team'), o.clock, o.search.embedder, 'team');
    this.library = new SourceCollection(path.join(dir, 'library'), o.clock, o.search.embedder, 'library');
  }

  /** Brings the team and library catalogs up to date from the server (each: online or last-known); `signal` cuts a slow server short. */
  async refresh(options: CallOptions = {}): Promise<{ team: RefreshResult; library: RefreshResult }> {
    const team = await this.o.team.refresh(options);
    const library = await this.o.library.refresh(options);
    return { team, library };
  }

  /** Indexes what the catalogs hold now (a no-op for a catalog already indexed). */
  async indexCatalogs(which: { team?: boolean; library?: boolean } = { team: true, library: true }): Promise<{ team?: SourceSyncReport; library?: SourceSyncReport }> {
    const out: { team?: SourceSyncReport; library?: SourceSyncReport } = {};
    if (which.team) out.team = await this.team.sync((await this.o.team.stamp()) ?? 'none', async () => (await this.o.team.list()).flatMap(teamEntry));
    if (which.library) {
      out.library = await this.library.sync((await this.o.library.stamp()) ?? 'none', async () =>
        (await this.o.library.list()).map((e) => ({ metadata: e.metadata as unknown as PlaybookMetadata, contentHash: e.metadata.content_hash })),
      );
    }
    return out;
  }

  async search(query: string, options: MergedSearchOptions = {}): Promise<MergedSearchResponse> {
    const { source = 'all', ...rest } = options;
    if (!(SEARCH_SOURCES as readonly string[]).includes(source)) throw new ValidationError(`unknown source "${String(source)}"`, [], { hint: `use one of ${SEARCH_SOURCES.join(', ')}` });
    const remote = rest.area === undefined;
    const want = { team: remote && (source === 'team' || source === 'all'), library: remote && (source === 'library' || source === 'all') };
    const indexed = await this.indexCatalogs(want);
    const others = [...(want.team ? [await this.team.rankSource()] : []), ...(want.library ? [await this.library.rankSource()] : [])];
    const limit = rest.limit ?? 10;
    // Remote hits of ids the user has are dropped after ranking, so ask for a few more.
    const res = await this.o.search.searchWith(query, { ...rest, limit: Math.min(100, limit * 2) }, others, source === 'local' || source === 'all');
    const hits: SourcedHit[] = [];
    for (const h of res.hits) {
      if (hits.length >= limit) break;
      if (h.source === 'local') hits.push(h);
      else if (!(await inStore(this.o.store, h.playbook_id))) hits.push({ ...h, review_status: await this.reviewOf(h) });
    }
    return { ...res, hits, indexed };
  }

  private async reviewOf(h: SearchHit & { source: HitSource }): Promise<string> {
    if (h.source === 'library') return 'not_required';
    const rec = await this.o.team.get(h.playbook_id);
    return (rec && teamVersions(rec).find((v) => v.version === h.version)?.review) ?? 'unknown';
  }
}

function teamEntry(rec: Awaited<ReturnType<TeamCatalog['list']>>[number]): SourceEntry[] {
  const v = rec.latest_version ? rec.versions[rec.latest_version] : undefined;
  return v ? [{ metadata: v.metadata as unknown as PlaybookMetadata, contentHash: v.metadata.content_hash }] : [];
}
