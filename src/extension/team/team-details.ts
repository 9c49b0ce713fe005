import type { PlaybookRecord } from '../../core/escher-api/types';
import { printable } from '../../core/shared/printable';
import type { TeamVersion } from '../../core/team-catalog/team-catalog';

/**
 * Show Details of a team playbook, as the text of a read-only Markdown document: what it does,
 * who published it, its review (and whether the last decision covers this content), its scripts
 * with their sha256, every version. Text from the server is shown printable (controls escaped).
 */
export function teamDetails(rec: PlaybookRecord, versions: readonly TeamVersion[], version: string, pinned: string | undefined): string {
  const p = (s: string) => printable(s);
  const shown = versions.find((v) => v.version === version) ?? versions[0];
  if (!shown) return `# ${rec.playbook_id}\n\nNo published version.\n`;
  const m = shown.record.metadata;
  const d = shown.decision;
  const review = d && d.content_hash === m.content_hash ? `${shown.review} — ${p(d.status)} by ${p(d.reviewer)} at ${p(d.at)}${d.comment ? `: ${p(d.comment)}` : ''}` : d ? `${shown.review} (the last decision, ${p(d.status)}, was on other content)` : shown.review;
  const out = [
    `# ${p(m.name)}`,
    '',
    `- id: ${rec.playbook_id}`,
    `- version: ${shown.version}${pinned ? ` (escher.lock.json pins v${pinned})` : ''}`,
    `- source: team — published ${p(shown.record.published_at)}${shown.record.published_by ? ` by ${p(shown.record.published_by)}` : ''}`,
    `- review: ${review}`,
    `- cloud: ${p(m.cloud_provider)}${m.resource_types.length ? ` (${m.resource_types.map(p).join(', ')})` : ''}`,
    `- keywords: ${m.keywords.map(p).join(', ') || '-'}`,
    `- content hash: ${m.content_hash}`,
    '',
    printable(m.description, { multiline: true }) || '_No description._',
    '',
    '## Scripts',
    '',
    ...(m.scripts.length ? m.scripts.map((s) => `- ${p(s.path)} (${s.format}, ${s.size} B${s.sensitive ? ', sensitive' : ''}) sha256 ${s.sha256}`) : ['none']),
  ];
  if (m.parameters.length) out.push('', '## Parameters', '', ...m.parameters.map((x) => `- ${p(x.name)}: ${p(x.type)}${x.required ? ' (required)' : ''}${x.sensitive ? ' (sensitive)' : ''}`));
  out.push('', '## Versions', '', ...versions.map((v) => `- v${v.version}: ${v.review}, published ${p(v.record.published_at)}`));
  out.push('', 'Clone to Local copies it into your playbooks; Resolve Script fetches a script, verified against the approved hashes.', '');
  return out.join('\n');
}
