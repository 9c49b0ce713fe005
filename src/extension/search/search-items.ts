import type { SearchHit } from '../../core/local-search/hybrid-ranker';
import type { ScriptFormat } from '../../core/playbook-store/metadata';
import { AREA_LABELS } from '../tree/area-node';
import { pickText } from '../util/notice-text';

/** Codicons per script format, shown in the result's detail line. */
export const FORMAT_ICONS: Record<ScriptFormat, string> = {
  shell: '$(terminal)',
  python: '$(symbol-method)',
  terraform: '$(symbol-structure)',
  cloudformation: '$(cloud)',
  arm: '$(azure)',
};

export interface SearchItem {
  label: string;
  description: string;
  detail: string;
  hit: SearchHit;
}

/** Review states as a search row says them (team hits). */
const REVIEW_WORDS: Record<string, string> = { approved: 'approved', pending: 'in review', rejected: 'rejected', not_required: '', unknown: 'review unknown' };

/**
 * Where a hit lives, as the badge its row carries: the user's own area (Local, Synced,
 * AI-generated), Team with its review status, or Library.
 */
export function sourceBadge(hit: SearchHit & { review_status?: string }): string {
  if (hit.source === 'team') return ['Team', REVIEW_WORDS[hit.review_status ?? 'unknown'] ?? hit.review_status].filter(Boolean).join(', ');
  if (hit.source === 'library') return 'Library';
  return AREA_LABELS[hit.area];
}

/** A result row: name; id, version, where it lives, cloud; formats and why it matched. */
export function hitToItem(hit: SearchHit & { review_status?: string }): SearchItem {
  const p = hit.payload;
  const formats = (p.formats ?? []).map((f) => `${FORMAT_ICONS[f] ?? ''} ${f}`.trim()).join('  ');
  const description = pickText([hit.playbook_id, `v${hit.version}`, sourceBadge(hit), p.cloud_provider].filter(Boolean).join(' · '));
  const why = explainHit(hit);
  const summary = p.description.length > 100 ? `${p.description.slice(0, 97)}…` : p.description;
  return {
    label: `${hit.source === 'team' ? '$(organization)' : hit.source === 'library' ? '$(library)' : areaIcon(hit.area)} ${pickText(hit.name, 200)}`,
    description,
    // The reason first: VS Code cuts a long detail line at its end.
    detail: [pickText(why), formats, pickText(summary)].filter((s) => s.length > 0).join('  —  '),
    hit,
  };
}

/** "matched rds in name, resource types · database · meaning 0.62". */
export function explainHit(hit: SearchHit): string {
  const w = hit.why;
  const parts: string[] = [];
  if (w.terms.length > 0) {
    const terms = w.terms.slice(0, 3).map((t) => `${t.term} in ${t.fields.map((f) => f.replace(/_/g, ' ')).join(', ')}`);
    parts.push(`matched ${terms.join('; ')}`);
  }
  if (w.concepts.length > 0) parts.push(`about ${w.concepts.slice(0, 3).join(', ')}`);
  if (w.semantic_similarity !== undefined) parts.push(`meaning ${w.semantic_similarity.toFixed(2)}`);
  if (w.script_line) parts.push(`${w.script_line.path}:${w.script_line.line}: ${w.script_line.text}`);
  return parts.join(' · ');
}

function areaIcon(area: SearchHit['area']): string {
  return area === 'synced' ? '$(cloud)' : area === 'ai-generated' ? '$(sparkle)' : '$(book)';
}

/**
 * One line for a failed search. The .vsix leaves @huggingface/transformers out (~380 MB with
 * onnxruntime): a configured `hf:` model then fails to load, and the user is told why and what to
 * do instead of seeing "Cannot find module".
 */
export function searchErrorMessage(message: string, embeddingModel: string): string {
  if (embeddingModel.startsWith('hf:') && /@huggingface\/transformers/.test(message) && /cannot find|not found|MODULE_NOT_FOUND/i.test(message)) {
    return `The embedding model ${embeddingModel} needs the @huggingface/transformers package, which this extension does not ship (~380 MB). Set escher.search.embeddingModel to "use-lite" (offline, included), or install @huggingface/transformers@3.8 next to the extension.`;
  }
  return `Search failed: ${message}`;
}
