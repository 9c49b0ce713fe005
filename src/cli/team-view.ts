import type { PlaybookService } from '../core/service';
import type { PlaybookRecord } from '../core/escher-api/types';
import { type RefreshResult, teamVersions, type TeamVersion } from '../core/team-catalog/team-catalog';
import type { CliContext } from './context';
import { table } from './output';

/**
 * Team playbooks as the CLI shows them: the team catalog brought up to date when the server can
 * be reached (the last-known one otherwise, with a warning), without the ids this home has in its
 * own store (those are listed as local/synced).
 */
export interface TeamRow {
  playbook_id: string;
  version: string;
  source: 'team';
  review_status: TeamVersion['review'];
  name: string;
  description: string;
  cloud_provider: string;
  formats: string[];
  published_at: string;
  updated_at: string;
}

export async function refreshedTeam(ctx: CliContext, service: PlaybookService): Promise<void> {
  await refreshedCatalog(ctx, 'team', () => service.teamCatalog.refresh());
}

/** Brings a catalog up to date when a server is configured; says so when its last-known state is shown instead. */
export async function refreshedCatalog(ctx: CliContext, name: 'team' | 'library', refresh: () => Promise<RefreshResult>): Promise<void> {
  if (!ctx.config().serverUrl) {
    ctx.out.warn(`no Escher server configured: ${name} playbooks are shown as last fetched (set ESCHER_SERVER_URL or run \`escher-playbook login\`)`);
    return;
  }
  const r = await refresh();
  if (!r.online) ctx.out.warn(`the server could not be reached (${r.error ?? 'unknown error'}): ${name} playbooks are shown as last fetched`);
  for (const s of r.skipped) ctx.logger.info(`${name} catalog: skipped ${s}`);
}

export async function teamRows(ctx: CliContext, service: PlaybookService): Promise<TeamRow[]> {
  await refreshedTeam(ctx, service);
  const [records, mine] = await Promise.all([service.teamCatalog.list(), service.store.listPlaybooks({})]);
  const own = new Set(mine.map((p) => p.playbook_id));
  return records.filter((r) => !own.has(r.playbook_id)).flatMap((r) => latestRow(r) ?? []);
}

function latestRow(rec: PlaybookRecord): TeamRow | undefined {
  const latest = teamVersions(rec).find((v) => v.version === rec.latest_version);
  if (!latest) return undefined;
  const m = latest.record.metadata;
  return {
    playbook_id: rec.playbook_id,
    version: latest.version,
    source: 'team',
    review_status: latest.review,
    name: m.name,
    description: m.description,
    cloud_provider: m.cloud_provider,
    formats: [...new Set(m.scripts.map((s) => s.format))].sort(),
    published_at: latest.record.published_at,
    updated_at: rec.updated_at,
  };
}

export function renderTeamRows(rows: readonly TeamRow[]): string[] {
  if (rows.length === 0) return ['no team playbooks'];
  return table(
    ['ID', 'VERSION', 'SOURCE', 'REVIEW', 'UPDATED', 'FORMATS', 'NAME'],
    rows.map((r) => [r.playbook_id, r.version, r.source, r.review_status, r.updated_at.slice(0, 10), r.formats.join(',') || '-', r.name]),
  );
}
