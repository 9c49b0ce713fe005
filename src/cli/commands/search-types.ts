import type { SearchSource } from '../../core/discovery/search-sources';
import type { Area, CloudProvider, ScriptFormat } from '../../core/playbook-store/metadata';
import type { PlaybookConfig } from '../../core/shared/config';
import type { Output } from '../output';

/** The flags of `search` that shape the results (what the search daemon is asked with). */
export interface SearchFlags {
  limit?: number;
  cloud?: CloudProvider;
  format?: ScriptFormat;
  area?: Area;
  resourceType?: string;
  source?: SearchSource;
}

/** A note or warning for stderr, in the order the search produced it. */
export interface SearchMessage {
  kind: 'note' | 'warn';
  text: string;
}

/** What `search` prints on stdout: the --json value and the human lines (both, so whoever prints picks). */
export interface SearchOutcome {
  json: unknown[];
  human: string[];
}

/** True when a search with these flags asks the Escher server first (the team/library refresh). */
export function contactsServer(config: PlaybookConfig, o: SearchFlags): boolean {
  return (o.source ?? 'all') !== 'local' && !o.area && config.serverUrl !== '';
}

export function printMessage(out: Output, m: SearchMessage): void {
  if (m.kind === 'note') out.note(m.text);
  else out.warn(m.text);
}
