import type { PlaybookService } from '../core/service';
import { NotFoundError } from '../core/shared/errors';
import { teamVersions, type TeamVersion } from '../core/team-catalog/team-catalog';
import type { CliContext } from './context';
import { refreshedLibrary, showLibraryPlaybook } from './library-view';
import { refreshedTeam } from './team-view';

/** `show ID` of a playbook this home does not have but the team published (metadata from the team catalog). */
export async function showTeamPlaybook(ctx: CliContext, service: PlaybookService, id: string, version: string | undefined, notLocal: NotFoundError): Promise<void> {
  await refreshedTeam(ctx, service);
  const rec = await service.teamCatalog.get(id);
  if (!rec) {
    await refreshedLibrary(ctx, service);
    const nowhere = new NotFoundError(`Playbook "${id}" is neither in your store nor among your team's published playbooks nor in the Escher Library`, { hint: 'check the id: `escher-playbook list --source all`', cause: notLocal });
    return showLibraryPlaybook(ctx, service, id, version, nowhere);
  }
  const versions = teamVersions(rec);
  const shown = versions.find((v) => v.version === (version ?? rec.latest_version));
  if (!shown) throw new NotFoundError(`Team playbook "${id}" has no version ${version ?? '(latest)'}`, { hint: `its versions: ${versions.map((v) => v.version).join(', ')}` });
  const v = shown.record;
  ctx.out.result(
    {
      source: 'team',
      playbook_id: id,
      version: shown.version,
      versions: versions.map((x) => x.version),
      review_status: shown.review,
      review: shown.decision ?? null,
      published_at: v.published_at,
      published_by: v.published_by ?? null,
      metadata: v.metadata,
    },
    () => render(id, shown, versions),
  );
}

function render(id: string, shown: TeamVersion, versions: readonly TeamVersion[]): string[] {
  const m = shown.record.metadata;
  const d = shown.decision;
  const decided = d && d.content_hash === m.content_hash ? ` by ${d.reviewer} at ${d.at}${d.comment ? ` — ${d.comment}` : ''}` : d ? ` (last decision, ${d.status}, was on other content)` : '';
  const lines = [
    m.name,
    `  id:             ${id}`,
    `  version:        ${shown.version}${versions.length > 1 ? `  (versions: ${versions.map((x) => x.version).join(', ')})` : ''}`,
    `  source:         team — published ${shown.record.published_at}${shown.record.published_by ? ` by ${shown.record.published_by}` : ''}`,
    `  review:         ${shown.review}${decided}`,
    `  cloud:          ${m.cloud_provider}`,
    `  keywords:       ${m.keywords.join(', ') || '-'}`,
    `  resource types: ${m.resource_types.join(', ') || '-'}`,
    `  updated:        ${m.updated_at}`,
  ];
  if (m.description) lines.push('', ...m.description.split('\n').map((l) => `  ${l}`));
  if (m.scripts.length) {
    lines.push('', '  scripts:');
    for (const s of m.scripts) lines.push(`    ${s.path}  ${s.size} B  sha256 ${s.sha256.slice(0, 12)}…`);
  }
  if (m.parameters.length) {
    lines.push('', '  parameters:');
    for (const p of m.parameters) lines.push(`    ${p.name}: ${p.type}${p.required ? ' (required)' : ''}${p.sensitive ? ' (sensitive)' : ''}`);
  }
  const formats = [...new Set(m.scripts.map((s) => s.format))];
  lines.push('', `  use it: escher-playbook clone ${id} --version ${shown.version}${formats[0] ? `  |  escher-playbook resolve ${id} --format ${formats[0]} --version ${shown.version}` : ''}`);
  return lines;
}
