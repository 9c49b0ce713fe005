import type { ParameterSpec } from '../core/playbook-store/metadata';
import type { Playbook, PlaybookSummary } from '../core/playbook-store/types';
import { table } from './output';
import type { SyncView, SyncViews } from '../core/metadata-publisher/sync-views';
import { reviewCell } from './sync-view';

/** Human renderings of store objects (the --json forms are the objects themselves). */

/** `modified`: ids whose listed version was changed on disk after it was stored. */
export function renderSummaries(items: readonly PlaybookSummary[], views?: SyncViews, modified: ReadonlySet<string> = new Set()): string[] {
  if (items.length === 0) return ['no playbooks'];
  const version = (s: PlaybookSummary) => (modified.has(s.playbook_id) ? `${s.version} (modified on disk)` : s.version);
  return table(
    ['ID', 'VERSION', 'AREA', 'REVIEW', 'CLOUD', 'FORMATS', 'NAME'],
    items.map((s) => [s.playbook_id, version(s), s.area, reviewCell(views?.of(s)), s.cloud_provider, s.formats.join(',') || '-', s.name]),
  );
}

export function renderPlaybook(p: Playbook, versions: readonly string[], parameters: readonly ParameterSpec[] = p.metadata.parameters, sync: SyncView | null = null): string[] {
  const m = p.metadata;
  const lines = [
    `${m.name}`,
    `  id:             ${m.playbook_id}`,
    `  version:        ${m.version}${versions.length > 1 ? `  (versions: ${versions.join(', ')})` : ''}`,
    `  area:           ${p.area}`,
    `  cloud:          ${m.cloud_provider}`,
    `  strategy:       ${m.storage_strategy}`,
    `  source:         ${m.source}`,
    `  keywords:       ${m.keywords.join(', ') || '-'}`,
    `  resource types: ${m.resource_types.join(', ') || '-'}`,
    `  updated:        ${m.updated_at}`,
    `  folder:         ${p.dir}`,
  ];
  if (sync) {
    const server = sync.remote_version === null ? 'not yet on the server' : `v${sync.remote_version} on the server`;
    const local = {
      synced: 'no local changes',
      pending: 'local changes sent by the next sync',
      conflict: 'conflict (see `escher-playbook status`)',
      failed: `sending failed, retried by the next sync (${sync.detail ?? 'see `escher-playbook status`'})`,
      not_syncing: `not syncing: ${sync.detail ?? 'see `escher-playbook status`'}`,
    }[sync.sync_state];
    lines.push(`  review:         ${sync.review_status ?? 'queued'}${sync.review_comment ? ` — ${sync.review_comment}` : ''}`, `  sync:           ${server}; ${local}`);
  }
  if (m.description) lines.push('', ...m.description.split('\n').map((l) => `  ${l}`));
  if (m.scripts.length) {
    lines.push('', '  scripts:');
    for (const s of m.scripts) lines.push(`    ${s.path}  ${s.size} B  sha256 ${s.sha256.slice(0, 12)}…${s.sensitive ? '  (encrypted)' : ''}`);
  }
  if (parameters.length) {
    lines.push('', '  parameters:');
    for (const prm of parameters) {
      const def = prm.default === undefined ? '' : prm.sensitive && typeof prm.default === 'object' ? '  default: (encrypted)' : `  default: ${JSON.stringify(prm.default)}`;
      lines.push(`    ${prm.name}: ${prm.type}${prm.required ? ' (required)' : ''}${prm.sensitive ? ' (sensitive)' : ''}${def}`);
      if (prm.description) lines.push(`      ${prm.description}`);
    }
  }
  return lines;
}

/** "1.5 MB", "300.0 KB", "12 B": sizes as `cache status` and `cache evict|clear` print them. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}
