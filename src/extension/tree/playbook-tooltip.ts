import type { PlaybookSummary } from '../../core/playbook-store/types';
import { CLOUD_LABELS } from '../util/cloud-labels';
import { absoluteTime, relativeTime } from '../util/relative-time';
import { escapeMd } from './markdown';
import { serviceOf } from './service-names';

/**
 * A playbook row's Markdown tooltip. Lines end in a hard break ("  \n"), since a plain newline
 * joins lines in Markdown; blocks are separated by a blank line. Every piece of text from the
 * metadata or the server is escaped (markdown.ts).
 */
export function playbookTooltip(s: PlaybookSummary, state: string, now: number): string {
  const lines = (...l: string[]) => l.filter((x) => x !== '').join('  \n');
  const versions = `${s.versions.length} version${s.versions.length === 1 ? '' : 's'}`;
  const service = serviceOf(s);
  const description = s.description.trim() === '' ? '_No description._' : escapeMd(s.description.length > 400 ? `${s.description.slice(0, 397)}…` : s.description, { multiline: true }).replace(/\n/g, '  \n');
  return [
    lines(`**${escapeMd(s.name)}**`, `\`${s.playbook_id}\` · v${s.version} · ${versions}`),
    description,
    lines(
      `Cloud: ${CLOUD_LABELS[s.cloud_provider]}${service ? ` · ${escapeMd(service)}` : ''}${s.resource_types.length ? ` (${s.resource_types.map((r) => escapeMd(r)).join(', ')})` : ''}`,
      `Scripts: ${s.formats.join(', ') || 'none'}`,
      `Updated ${relativeTime(Date.parse(s.updated_at), now)} (${absoluteTime(s.updated_at)})`,
    ),
    // The state line carries the server's review comment and sync errors: escaped like the rest.
    `_${escapeMd(state)}_`,
  ].join('\n\n');
}
