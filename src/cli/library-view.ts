import type { LibraryEntry } from '../core/escher-api/types';
import type { PlaybookService } from '../core/service';
import { NotFoundError } from '../core/shared/errors';
import type { CliContext } from './context';
import { table } from './output';
import { refreshedCatalog } from './team-view';

/**
 * Escher Library playbooks as the CLI shows them: the listing brought up to date when the server
 * can be reached (the last-known one otherwise, with a warning). Read-only and approved by
 * definition (review "not_required").
 */
export interface LibraryRow {
  playbook_id: string;
  version: string;
  source: 'library';
  review_status: 'not_required';
  name: string;
  description: string;
  cloud_provider: string;
  formats: string[];
  updated_at: string;
}

export async function refreshedLibrary(ctx: CliContext, service: PlaybookService): Promise<void> {
  await refreshedCatalog(ctx, 'library', () => service.libraryCatalog.refresh());
}

export async function libraryRows(ctx: CliContext, service: PlaybookService): Promise<LibraryRow[]> {
  await refreshedLibrary(ctx, service);
  return (await service.libraryCatalog.list()).map(libraryRow);
}

export function libraryRow(e: LibraryEntry): LibraryRow {
  const m = e.metadata;
  return {
    playbook_id: e.playbook_id,
    version: e.latest_version,
    source: 'library',
    review_status: 'not_required',
    name: m.name,
    description: m.description,
    cloud_provider: m.cloud_provider,
    formats: [...new Set(m.scripts.map((s) => s.format))].sort(),
    updated_at: m.updated_at,
  };
}

export function renderLibraryRows(rows: readonly LibraryRow[]): string[] {
  if (rows.length === 0) return ['no library playbooks'];
  return table(
    ['ID', 'VERSION', 'SOURCE', 'REVIEW', 'UPDATED', 'FORMATS', 'NAME'],
    rows.map((r) => [r.playbook_id, r.version, r.source, r.review_status, r.updated_at.slice(0, 10), r.formats.join(',') || '-', r.name]),
  );
}

/** `show ID` of an Escher Library playbook (its latest version, from the listing). */
export async function showLibraryPlaybook(ctx: CliContext, service: PlaybookService, id: string, version: string | undefined, notFound: NotFoundError): Promise<void> {
  const e = await service.libraryCatalog.get(id);
  if (!e) throw notFound;
  if (version !== undefined && version !== e.latest_version) throw new NotFoundError(`The Escher Library lists "${id}" at v${e.latest_version} only (asked: ${version})`, { hint: `its versions on the server: ${e.versions.join(', ')}` });
  const m = e.metadata;
  ctx.out.result({ source: 'library', playbook_id: id, version: e.latest_version, versions: e.versions, review_status: 'not_required', review: null, metadata: m }, () => {
    const lines = [
      m.name,
      `  id:             ${id}`,
      `  version:        ${e.latest_version}${e.versions.length > 1 ? `  (versions: ${e.versions.join(', ')})` : ''}`,
      '  source:         Escher Library — read-only, approved by definition',
      `  content hash:   ${m.content_hash}`,
      `  cloud:          ${m.cloud_provider}`,
      `  keywords:       ${m.keywords.join(', ') || '-'}`,
      `  resource types: ${m.resource_types.join(', ') || '-'}`,
      `  updated:        ${m.updated_at}`,
    ];
    if (m.description) lines.push('', ...m.description.split('\n').map((l) => `  ${l}`));
    if (m.scripts.length) lines.push('', '  scripts:', ...m.scripts.map((s) => `    ${s.path}  ${s.size} B  sha256 ${s.sha256.slice(0, 12)}…`));
    if (m.parameters.length) lines.push('', '  parameters:', ...m.parameters.map((p) => `    ${p.name}: ${p.type}${p.required ? ' (required)' : ''}${p.sensitive ? ' (sensitive)' : ''}`));
    lines.push('', `  use it: escher-playbook clone ${id}`);
    return lines;
  });
}
