import { describeWhy } from '../../core/local-search/hybrid-ranker';
import type { SourcedHit } from '../../core/discovery/discovery';
import type { PlaybookService } from '../../core/service';
import type { PlaybookConfig } from '../../core/shared/config';
import { contactsServer, type SearchFlags, type SearchMessage, type SearchOutcome } from './search-types';

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

/**
 * One `search` run on a service: bring the index up to date (a no-op when nothing changed), rank,
 * and build what is printed. Shared by the in-process search and the search daemon, so both print
 * the same bytes. `first`: this service has not searched before (its start-up reconcile is still
 * to come); a long-lived service reconciles again on every later call instead, by the same
 * content-hash comparison, so playbooks changed in between are seen.
 */
export async function runSearch(service: PlaybookService, config: PlaybookConfig, query: string, o: SearchFlags, emit: (m: SearchMessage) => void, first = true): Promise<SearchOutcome> {
  const { search } = service;
  const source = o.source ?? 'all';
  const warnings = new Set<string>();
  if (contactsServer(config, o)) {
    // A search must not hang on a slow server: past the deadline it answers from the last-known metadata.
    const r = await service.discovery.refresh({ signal: AbortSignal.timeout(REFRESH_DEADLINE_MS) });
    const down = [r.team, r.library].find((x) => !x.online);
    if (down) emit({ kind: 'warn', text: `the server could not be reached (${down.error ?? 'unknown error'}): team and library playbooks are searched as last fetched` });
  }
  // A one-shot process has no "background": bring the index fully up to date first (a
  // no-op when nothing changed), so the results cover every playbook.
  const report = first ? await search.start() : await search.reconcile();
  for (const w of report.warnings) warnings.add(w);
  if (report.reset && report.reset !== 'no index yet') warnings.add(report.reset);
  if (report.embedded > EMBED_NOTE_THRESHOLD) emit({ kind: 'note', text: `indexed ${report.embedded} new or changed playbook(s)` });
  const res = await service.discovery.search(query, {
    source,
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(o.cloud ? { cloud: o.cloud } : {}),
    ...(o.format ? { format: o.format } : {}),
    ...(o.area ? { area: o.area } : {}),
    ...(o.resourceType ? { resourceType: o.resourceType } : {}),
  });
  for (const w of res.warnings) warnings.add(w);
  for (const w of warnings) emit({ kind: 'warn', text: w });
  const remoteEmbedded = (res.indexed.team?.embedded ?? 0) + (res.indexed.library?.embedded ?? 0);
  if (remoteEmbedded > EMBED_NOTE_THRESHOLD) emit({ kind: 'note', text: `indexed ${remoteEmbedded} new or changed team/library playbook(s)` });
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
  return { json, human: humanHits(res.hits) };
}
