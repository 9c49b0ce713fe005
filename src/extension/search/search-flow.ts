import type { SearchHit } from '../../core/local-search/hybrid-ranker';
import { CLOUD_PROVIDERS, SCRIPT_FORMATS } from '../../core/playbook-store/metadata';
import type { CommandContext } from '../commands/command-context';
import { describe } from '../commands/error-actions';
import type { LiveItem, LivePickFilter } from '../ui/ui-host';
import { hitToItem, searchErrorMessage } from './search-items';
import { parseSearchInput, withFilter } from './search-input';

const FILTERS: LivePickFilter[] = [
  { icon: 'cloud', tooltip: 'Filter by cloud', title: 'Cloud', choices: CLOUD_PROVIDERS, apply: (value, choice) => withFilter(value, 'cloud', choice) },
  { icon: 'file-code', tooltip: 'Filter by script format', title: 'Script format', choices: SCRIPT_FORMATS, apply: (value, choice) => withFilter(value, 'format', choice) },
];

/**
 * Search Playbooks: results follow what is typed, ranked by the core's hybrid search (keywords +
 * meaning), each saying why it matched. Filters are `cloud:`, `format:`, `area:` tokens, typed or
 * inserted by the title buttons. Choosing a result offers open / resolve / run / publish / accept
 * as the next command. Returns the chosen hit (undefined when the user closed the search).
 */
export async function searchFlow(ctx: CommandContext, debounceMs: number): Promise<SearchHit | undefined> {
  const hit = await ctx.ui.livePick<SearchHit>({
    title: 'Search Playbooks',
    placeholder: 'Describe what you want to do, e.g. "shut down db weekend" — filters: cloud:aws format:shell area:synced',
    debounceMs,
    filters: FILTERS,
    query: (value) => searchRows(ctx, value),
  });
  if (hit) await offerActions(ctx, hit);
  return hit;
}

/** The rows for one typed value: the hits, else a "no match" line; warnings and errors as lines. */
export async function searchRows(ctx: CommandContext, value: string): Promise<LiveItem<SearchHit>[]> {
  const parsed = parseSearchInput(value);
  if (parsed.query === '') return [];
  try {
    const svc = await ctx.service();
    const res = await svc.search.searchLocalPlaybooks(parsed.query, { limit: 30, cloud: parsed.cloud, format: parsed.format, area: parsed.area });
    const rows: LiveItem<SearchHit>[] = res.hits.map((h) => {
      const { hit, ...item } = hitToItem(h);
      return { ...item, value: hit };
    });
    if (rows.length === 0) rows.push({ label: '$(search-stop) No matching playbooks', description: 'try other words, or fewer filters' });
    if (res.warnings.length) rows.push({ label: `$(warning) ${res.warnings.join('; ')}` });
    return rows;
  } catch (e) {
    ctx.log.error(`search: ${describe(e)}`);
    const model = (await ctx.service().catch(() => undefined))?.config.search.embeddingModel ?? '';
    return [{ label: `$(error) ${searchErrorMessage(describe(e), model)}` }];
  }
}

async function offerActions(ctx: CommandContext, hit: SearchHit): Promise<void> {
  const ref = { playbookId: hit.playbook_id, version: hit.version, area: hit.area };
  const actions = [
    { label: '$(json) Open metadata.json', value: 'escher.openMetadata' },
    { label: '$(go-to-file) Resolve Script…', value: 'escher.resolveScript' },
    ...(ctx.ui.isTrusted() ? [{ label: '$(play) Run Playbook…', value: 'escher.runPlaybook' }] : [{ label: '$(shield) Run Playbook… (needs a trusted workspace)', value: 'escher.runPlaybook' }]),
    ...(hit.area === 'local' ? [{ label: '$(cloud-upload) Publish…', value: 'escher.publish' }] : []),
    ...(hit.area === 'ai-generated' ? [{ label: '$(check) Accept', value: 'escher.acceptAiPlaybook' }] : []),
  ];
  const command = await ctx.ui.pick(actions, { title: `${hit.name} (${hit.playbook_id} v${hit.version})`, placeholder: 'What do you want to do with it?' });
  if (command) await ctx.ui.executeCommand(command, ref);
}

/** The Search Playbooks command: the index is in use from now on (warmed while the user types), then the search. */
export async function searchCommand(ctx: CommandContext, index: { start(): Promise<void> }, debounceMs: number): Promise<SearchHit | undefined> {
  void index.start();
  return searchFlow(ctx, debounceMs);
}
