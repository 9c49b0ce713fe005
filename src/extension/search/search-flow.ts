import type { SourcedHit } from '../../core/discovery/discovery';
import { CLOUD_PROVIDERS, SCRIPT_FORMATS } from '../../core/playbook-store/metadata';
import type { CommandContext } from '../commands/command-context';
import { describe } from '../commands/error-actions';
import type { LiveItem, LivePickFilter } from '../ui/ui-host';
import { hitToItem, searchErrorMessage } from './search-items';
import { parseSearchInput, withFilter } from './search-input';
import { offerActions, searchEscherFlow, searchEscherRow } from './search-escher';
import type { ParsedSearch } from './search-input';

const FILTERS: LivePickFilter[] = [
  { icon: 'cloud', tooltip: 'Filter by cloud', title: 'Cloud', choices: CLOUD_PROVIDERS, apply: (value, choice) => withFilter(value, 'cloud', choice) },
  { icon: 'file-code', tooltip: 'Filter by script format', title: 'Script format', choices: SCRIPT_FORMATS, apply: (value, choice) => withFilter(value, 'format', choice) },
];

/**
 * Search Playbooks: results follow what is typed, ranked by the core's hybrid search (keywords +
 * meaning) across your playbooks, your team's and the Escher Library's, each with where it lives
 * and why it matched; Search Escher asks the server's agent instead. Filters are `cloud:`, `format:`, `area:` tokens, typed or
 * inserted by the title buttons. Choosing a result offers open / resolve / run / publish / accept
 * as the next command. Returns the chosen hit (undefined when the user closed the search).
 */
export async function searchFlow(ctx: CommandContext, debounceMs: number): Promise<SourcedHit | undefined> {
  let refreshAfter: Promise<unknown> | undefined;
  const chosen = await ctx.ui.livePick<SearchChoice>({
    title: 'Search Playbooks',
    placeholder: 'Describe what you want to do, e.g. "shut down db weekend" — filters: cloud:aws format:shell area:synced',
    debounceMs,
    filters: FILTERS,
    query: async (value) => {
      const answer = await searchAnswer(ctx, value);
      refreshAfter = answer.refreshAfter;
      return answer.rows;
    },
    refreshWhen: () => refreshAfter,
  });
  if (typeof chosen === 'string') {
    await ctx.ui.executeCommand(chosen);
    return undefined;
  }
  if (chosen && 'serverQuery' in chosen) {
    await searchEscherFlow(ctx, chosen.serverQuery);
    return undefined;
  }
  if (chosen) await offerActions(ctx, chosen);
  return chosen;
}

/** A row's value: a playbook found, a command offered instead (an empty store), or the server search for what was typed. */
export type SearchChoice = SourcedHit | string | { serverQuery: string };

/** The rows for one typed value (searchAnswer without the refresh). */
export async function searchRows(ctx: CommandContext, value: string): Promise<LiveItem<SearchChoice>[]> {
  return (await searchAnswer(ctx, value)).rows;
}

/**
 * The rows for one typed value: "Indexing N playbooks…" first while the index is still being
 * built (and a promise for when to ask again), the matches, weak matches under their own
 * heading, else a "no match" line; an unknown filter value or a failure is one error line; an
 * empty store offers to create a playbook instead.
 */
export async function searchAnswer(ctx: CommandContext, value: string): Promise<{ rows: LiveItem<SearchChoice>[]; refreshAfter?: Promise<unknown> }> {
  const parsed = parseSearchInput(value);
  if (parsed.errors.length) return { rows: parsed.errors.map((e) => ({ label: `$(error) ${e}` })) };
  if (parsed.query === '') return { rows: [] };
  try {
    const svc = await ctx.service();
    // Local, team and library as one ranked list (team and library from their last-known catalogs).
    const res = await svc.discovery.search(parsed.query, { limit: 30, cloud: parsed.cloud, format: parsed.format, area: parsed.area });
    const rows: LiveItem<SearchChoice>[] = [];
    if (res.indexing) rows.push({ label: `$(sync~spin) Indexing ${res.indexing} playbook${res.indexing === 1 ? '' : 's'}…`, description: 'results refresh when it is done' });
    const toRow = (h: SourcedHit): LiveItem<SearchChoice> => {
      const { hit: _hit, ...item } = hitToItem(h);
      return { ...item, value: h };
    };
    rows.push(...res.hits.filter((h) => !h.weak).map(toRow));
    const weak = res.hits.filter((h) => h.weak);
    if (rows.length === (res.indexing ? 1 : 0)) rows.push(...(await nothingFound(svc, parsed)));
    if (weak.length) rows.push({ label: 'weak matches: no word of the query matched', separator: true }, ...weak.map(toRow));
    const other = res.warnings.filter((w) => !/^still indexing/.test(w));
    if (other.length) rows.push({ label: `$(warning) ${other.join('; ')}` });
    if (svc.config.serverUrl) rows.push({ label: 'on the server', separator: true }, searchEscherRow(parsed.query));
    const refreshAfter = res.indexing ? svc.search.whenIndexed() : undefined;
    return refreshAfter ? { rows, refreshAfter } : { rows };
  } catch (e) {
    ctx.log.error(`search: ${describe(e)}`);
    const model = (await ctx.service().catch(() => undefined))?.config.search.embeddingModel ?? '';
    return { rows: [{ label: `$(error) ${searchErrorMessage(describe(e), model)}` }] };
  }
}

/** Nothing matched: say why — an empty store (offer to create one), or the words or filters. */
async function nothingFound(svc: Awaited<ReturnType<CommandContext['service']>>, parsed: ParsedSearch): Promise<LiveItem<SearchChoice>[]> {
  if ((await svc.store.listPlaybooks()).length === 0) {
    return [
      { label: '$(info) You have no playbooks yet', description: 'search looks through your own playbooks' },
      { label: '$(add) Create Playbook…', value: 'escher.createPlaybook' },
      { label: '$(cloud-download) Import Playbooks…', description: 'from a JSON or YAML file of specs, or an exported bundle', value: 'escher.importPlaybooks' },
    ];
  }
  const filtered = parsed.cloud || parsed.format || parsed.area;
  return [{ label: '$(search-stop) No matching playbooks', description: filtered ? 'try other words, or fewer filters' : 'try other words' }];
}

/** The Search Playbooks command: the index is in use from now on (warmed while the user types), then the search. */
export async function searchCommand(ctx: CommandContext, index: { start(): Promise<void> }, debounceMs: number): Promise<SourcedHit | undefined> {
  void index.start();
  return searchFlow(ctx, debounceMs);
}
