import type { EscherApi, ServerSearchHit } from '../escher-api/types';
import type { LocalSearch } from '../local-search/local-search';
import type { ScriptManager } from '../script-manager/script-manager';
import type { LibraryCatalog } from '../team-catalog/library-catalog';
import { teamVersions, type TeamCatalog } from '../team-catalog/team-catalog';

/**
 * The seed's server-agent coordination: the server's agent searches the tenant's collection and the
 * Escher Library and answers with references (id, version, source); the client resolves each one
 * here, in the order a script would be resolved — local → synced → cache → remote — and says where
 * it lives. The references were checked against the wire schema by the client (id and version
 * patterns, one-line names); duplicates are dropped, the first (best-ranked) kept.
 */
export type ReferenceLocation = 'local' | 'ai-generated' | 'synced' | 'cache' | 'remote';

export interface LocatedReference {
  playbook_id: string;
  version: string;
  /** Where the server found it. */
  source: 'tenant' | 'library';
  name: string;
  score: number;
  /** Where this home has it (the first of local → synced → cache), else remote. */
  location: ReferenceLocation;
  /** The store folder, when it is in the store. */
  dir?: string;
  /** The review a client may act on: from the team catalog, the metadata cache, or "not_required" for the library; absent when unknown. */
  review_status?: string;
}

export interface ServerReferenceDeps {
  api: Pick<EscherApi, 'search'>;
  search: Pick<LocalSearch, 'resolveReferences'>;
  scripts: Pick<ScriptManager, 'cachedMetadata'>;
  team: Pick<TeamCatalog, 'get'>;
  library: Pick<LibraryCatalog, 'get'>;
}

export async function searchServer(d: ServerReferenceDeps, query: string, limit = 10): Promise<LocatedReference[]> {
  const seen = new Set<string>();
  const hits: ServerSearchHit[] = [];
  for (const h of await d.api.search(query, limit)) {
    const k = `${h.source}:${h.playbook_id}@${h.version}`;
    if (seen.has(k)) continue;
    seen.add(k);
    hits.push(h);
  }
  const resolved = await d.search.resolveReferences(hits);
  const out: LocatedReference[] = [];
  for (const [i, h] of hits.entries()) {
    const base = { playbook_id: h.playbook_id, version: h.version, source: h.source, name: h.name, score: h.score };
    const r = resolved[i];
    if (r?.found) {
      out.push({ ...base, location: r.playbook.area, dir: r.playbook.dir });
      continue;
    }
    const cached = await d.scripts.cachedMetadata(h.playbook_id, h.version);
    const review = cached?.review_status ?? (await catalogReview(d, h));
    out.push({ ...base, location: cached && cached.source === h.source ? 'cache' : 'remote', ...(review ? { review_status: review } : {}) });
  }
  return out;
}

async function catalogReview(d: ServerReferenceDeps, h: ServerSearchHit): Promise<string | undefined> {
  if (h.source === 'library') return (await d.library.get(h.playbook_id)) ? 'not_required' : undefined;
  const rec = await d.team.get(h.playbook_id);
  return rec ? teamVersions(rec).find((v) => v.version === h.version)?.review : undefined;
}
