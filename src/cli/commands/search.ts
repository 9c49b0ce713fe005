import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { AREAS, CLOUD_PROVIDERS, SCRIPT_FORMATS } from '../../core/playbook-store/metadata';
import type { Area, CloudProvider, ScriptFormat } from '../../core/playbook-store/metadata';
import { describeWhy } from '../../core/local-search/hybrid-ranker';
import { SEARCH_SOURCES, type SearchSource, type SourcedHit } from '../../core/discovery/discovery';
import { choice } from '../args';
import type { CliContext } from '../context';
import { serverSearch } from '../server-search';

interface SearchFlags {
  limit?: number;
  cloud?: CloudProvider;
  format?: ScriptFormat;
  area?: Area;
  resourceType?: string;
  source?: SearchSource;
  server?: boolean;
}

const EMBED_NOTE_THRESHOLD = 20;
/** How long a search waits for the team catalog and library listing to be brought up to date. */
const REFRESH_DEADLINE_MS = 5_000;

/** Where a hit lives, as the list shows it: the area of a local one, "team · <review>", or "library". */
export function sourceBadge(h: SourcedHit): string {
  if (h.source === 'team') return `team · ${h.review_status ?? 'unknown'}`;
  if (h.source === 'library') return 'library';
  return h.area;
}

/** Matches numbered, then the weak ones (no word of the query matched) under their own heading. */
function humanHits(hits: SourcedHit[]): string[] {
  const strong = hits.filter((h) => !h.weak);
  const weak = hits.filter((h) => h.weak);
  const lines = strong.length ? [] : ['no matching playbooks'];
  const row = (h: SourcedHit, i: number) => [`${String(i + 1).padStart(2)}. ${h.name}  (${h.playbook_id} v${h.version}, ${sourceBadge(h)})  ${h.score.toFixed(3)}`, `    ${describeWhy(h.why)}`];
  strong.forEach((h, i) => lines.push(...row(h, i)));
  if (weak.length) lines.push('weak matches (no word of the query matched; similar in meaning only):');
  weak.forEach((h, i) => lines.push(...row(h, strong.length + i)));
  return lines;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('expected a whole number from 1 to 100');
  return n;
}

/**
 * `search "QUERY"`: the same LocalSearch the extension uses, so both give the same results.
 * Per call: read the persisted index while the model loads in its worker, reconcile by content
 * hash (embeds only playbooks changed since the last run), embed the query, rank.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('search')
    .description('search your playbooks, your team\'s and the Escher Library\'s (keyword + semantic, one ranked list; team and library offline on their last-known metadata)')
    .argument('<query>', 'what the playbook should do, e.g. "stop rds weekend"')
    .option('--limit <n>', 'number of results (1-100, default 10)', positiveInt)
    .option('--cloud <provider>', `only this cloud: ${CLOUD_PROVIDERS.join('|')}`, choice(CLOUD_PROVIDERS))
    .option('--format <format>', `only playbooks with a script of this format: ${SCRIPT_FORMATS.join('|')}`, choice(SCRIPT_FORMATS))
    .option('--area <area>', `only this area: ${AREAS.join('|')}`, choice(AREAS))
    .option('--resource-type <type>', 'only playbooks for this resource type (e.g. rds, ec2)')
    .option('--source <source>', `where to search: ${SEARCH_SOURCES.join('|')} (default all; --area searches your store only)`, choice(SEARCH_SOURCES))
    .option('--server', "ask the Escher server's agent (tenant + library search) and show where each reference lives here")
    .action(async (query: string, o: SearchFlags) => {
      if (o.server) return serverSearch(ctx, query, o);
      const service = await ctx.service();
      const { search } = service;
      const source = o.source ?? 'all';
      try {
        if (source !== 'local' && !o.area && ctx.config().serverUrl) {
          // A search must not hang on a slow server: past the deadline it answers from the last-known metadata.
          const r = await service.discovery.refresh({ signal: AbortSignal.timeout(REFRESH_DEADLINE_MS) });
          const down = [r.team, r.library].find((x) => !x.online);
          if (down) ctx.out.warn(`the server could not be reached (${down.error ?? 'unknown error'}): team and library playbooks are searched as last fetched`);
        }
        // A one-shot process has no "background": bring the index fully up to date first (a
        // no-op when nothing changed), so the results cover every playbook.
        const report = await search.start();
        const warnings = new Set(report.warnings);
        if (report.reset && report.reset !== 'no index yet') warnings.add(report.reset);
        if (report.embedded > EMBED_NOTE_THRESHOLD) ctx.out.note(`indexed ${report.embedded} new or changed playbook(s)`);
        const res = await service.discovery.search(query, {
          source,
          ...(o.limit !== undefined ? { limit: o.limit } : {}),
          ...(o.cloud ? { cloud: o.cloud } : {}),
          ...(o.format ? { format: o.format } : {}),
          ...(o.area ? { area: o.area } : {}),
          ...(o.resourceType ? { resourceType: o.resourceType } : {}),
        });
        for (const w of res.warnings) warnings.add(w);
        for (const w of warnings) ctx.out.warn(w);
        if ((res.indexed.team?.embedded ?? 0) + (res.indexed.library?.embedded ?? 0) > EMBED_NOTE_THRESHOLD) ctx.out.note(`indexed ${(res.indexed.team?.embedded ?? 0) + (res.indexed.library?.embedded ?? 0)} new or changed team/library playbook(s)`);
        const json = res.hits.map((h) => ({
          source: h.source,
          playbook_id: h.playbook_id,
          version: h.version,
          name: h.name,
          area: h.source === 'local' ? h.area : null,
          ...(h.source !== 'local' ? { review_status: h.review_status } : {}),
          score: Number(h.score.toFixed(4)),
          why: h.why,
          ...(h.weak ? { weak: true } : {}),
        }));
        ctx.out.result(json, () => humanHits(res.hits));
      } finally {
        await search.close();
      }
    });
}
