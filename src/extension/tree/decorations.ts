import type { PlaybookSummary } from '../../core/playbook-store/types';
import type { PlaybookSyncState } from './tree-source';

/**
 * Where a playbook stands, as a compact decoration (badge + colour, VS Code's
 * FileDecorationProvider) instead of words repeated on every row. Only states that ask for
 * attention are decorated; a private, synced or approved playbook shows none, so a list of
 * hundreds is names, not noise. (Not propagated: VS Code propagates a decoration only from rows it
 * has drawn, so a collapsed group would say nothing; groups count what needs attention instead.)
 */
export const DECORATIONS = {
  conflict: { badge: '!', color: 'list.warningForeground', tooltip: 'Sync conflict' },
  failed: { badge: 'E', color: 'list.errorForeground', tooltip: 'Sync failed' },
  rejected: { badge: 'X', color: 'list.errorForeground', tooltip: 'Rejected by a reviewer' },
  pending: { badge: '↑', color: 'charts.yellow', tooltip: 'Changed here: the next sync uploads it' },
  review: { badge: 'R', color: 'charts.yellow', tooltip: 'Waiting for a reviewer' },
  ai: { badge: 'AI', color: 'charts.purple', tooltip: 'AI proposal: accept or discard it' },
} as const;

export type DecorationKind = keyof typeof DECORATIONS;

/** The kinds a group's description counts: those the user has to act on. */
export const NEEDS_ACTION: Partial<Record<DecorationKind, string>> = { conflict: 'conflict', failed: 'failed', rejected: 'rejected' };

export const DECORATION_SCHEME = 'escher-playbook';

/** The decoration a playbook row carries, if any (the same precedence as its state line). */
export function decorationOf(s: PlaybookSummary, sync: PlaybookSyncState | undefined): DecorationKind | undefined {
  if (s.area === 'ai-generated') return 'ai';
  if (sync?.phase === 'conflict') return 'conflict';
  if (sync?.phase === 'failed') return 'failed';
  if (sync?.phase === 'pending') return 'pending';
  if (s.area === 'synced' && sync?.review === 'rejected') return 'rejected';
  if (s.area === 'synced' && sync?.review === 'pending') return 'review';
  return undefined;
}

/**
 * The row's resource URI carries its decoration, so the provider needs no state and a changed
 * state is a changed URI (VS Code asks again): `escher-playbook:/<kind>/<area>/<id>`.
 */
export function decorationUri(kind: DecorationKind, s: PlaybookSummary): string {
  return `${DECORATION_SCHEME}:/${kind}/${s.area}/${s.playbook_id}`;
}

export function decorationKindOf(path: string): DecorationKind | undefined {
  const kind = path.split('/')[1];
  return kind !== undefined && Object.hasOwn(DECORATIONS, kind) ? (kind as DecorationKind) : undefined;
}
