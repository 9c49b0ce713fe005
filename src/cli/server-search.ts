import { searchServer, type LocatedReference } from '../core/discovery/server-references';
import { ConfigError } from '../core/shared/errors';
import type { CliContext } from './context';
import { table } from './output';

/**
 * `search --server "QUERY"`: the server's agent (tenant + library search) answers with references;
 * each is resolved here (local → synced → cache → remote) and shown with where it lives. Server
 * text is printed through the output layer, which escapes control characters.
 */
export async function serverSearch(ctx: CliContext, query: string, o: { limit?: number; source?: string; area?: string; cloud?: string; format?: string; resourceType?: string }): Promise<void> {
  if (o.source !== undefined || o.area || o.cloud || o.format || o.resourceType) {
    ctx.out.warn('--server asks the server\'s agent, which takes no filters: --source, --area, --cloud, --format and --resource-type are ignored');
  }
  const service = await ctx.service();
  const api = await service.serverApi();
  if (!api) throw new ConfigError('search --server needs an Escher server', { hintCode: 'server-not-configured' });
  const refs = await searchServer({ api, search: service.search, scripts: service.scriptManager, team: service.teamCatalog, library: service.libraryCatalog }, query, o.limit ?? 10);
  ctx.out.result(refs, () => render(refs));
}

function render(refs: readonly LocatedReference[]): string[] {
  if (refs.length === 0) return ['the server found no matching playbooks'];
  return [
    ...table(
      ['#', 'SOURCE', 'HERE', 'REVIEW', 'ID', 'VERSION', 'NAME'],
      refs.map((r, i) => [String(i + 1), r.source === 'tenant' ? 'team' : 'library', r.location, r.review_status ?? '-', r.playbook_id, r.version, r.name]),
    ),
    '',
    'HERE: where this home has it (local, ai-generated, synced, cache) or remote (`escher-playbook show ID` / `clone ID` / `pull ID`)',
  ];
}
