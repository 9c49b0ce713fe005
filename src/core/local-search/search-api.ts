import { AREAS, CLOUD_PROVIDERS, SCRIPT_FORMATS } from '../playbook-store/metadata';
import type { Area, CloudProvider, ScriptFormat } from '../playbook-store/metadata';
import type { Playbook } from '../playbook-store/types';
import { ValidationError } from '../shared/errors';
import type { SearchHit } from './hybrid-ranker';
import type { SearchFilter } from './payload';

/** What LocalSearch takes and returns (its public surface, apart from the class itself). */
export interface SearchOptions {
  limit?: number;
  cloud?: CloudProvider;
  format?: ScriptFormat;
  area?: Area;
  resourceType?: string;
}

export interface SearchResponse {
  hits: SearchHit[];
  /** Which store answered the semantic part. */
  backend: 'embedded' | 'qdrant';
  /** Things the user should know (Qdrant unreachable, index rebuilt, still indexing). */
  warnings: string[];
  /** Playbooks still waiting to be indexed in the background (the hits may miss them); `whenIndexed()` says when they are done. */
  indexing?: number;
}

export interface IndexReconcileReport {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** Texts sent to the model. */
  embedded: number;
  /** Set when the collection was emptied first (model change, corrupt or missing file). */
  reset?: string;
  warnings: string[];
}

export interface IndexStatus {
  model: string;
  dimension: number;
  /** Points in the embedded collection. */
  indexed: number;
  /** Playbooks in the store. */
  playbooks: number;
  /** Playbooks whose indexed content differs from the files (0 right after a reconcile). */
  stale: number;
  file: string;
  fileBytes: number | null;
  qdrant: { url: string; reachable: boolean; points?: number; error?: string } | null;
}

export type ResolvedReference =
  | { playbook_id: string; version: string; found: true; playbook: Playbook }
  | { playbook_id: string; version: string; found: false; reason: string };

export const MAX_LIMIT = 100;

export function validateSearch(query: string, o: SearchOptions): SearchFilter | undefined {
  if (typeof query !== 'string' || query.trim() === '') throw new ValidationError('the search query is empty', [], { hint: 'say what the playbook should do, e.g. "stop rds weekend"' });
  if (query.length > 1000) throw new ValidationError('the search query is longer than 1000 characters');
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > MAX_LIMIT)) {
    throw new ValidationError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  if (o.cloud !== undefined && !CLOUD_PROVIDERS.includes(o.cloud)) throw new ValidationError(`unknown cloud "${o.cloud}"`, [], { hint: `use one of ${CLOUD_PROVIDERS.join(', ')}` });
  if (o.format !== undefined && !SCRIPT_FORMATS.includes(o.format)) throw new ValidationError(`unknown format "${o.format}"`, [], { hint: `use one of ${SCRIPT_FORMATS.join(', ')}` });
  if (o.area !== undefined && !AREAS.includes(o.area)) throw new ValidationError(`unknown area "${o.area}"`, [], { hint: `use one of ${AREAS.join(', ')}` });
  const f: SearchFilter = {};
  if (o.cloud) f.cloud = o.cloud;
  if (o.format) f.format = o.format;
  if (o.area) f.area = o.area;
  if (o.resourceType) f.resourceType = o.resourceType;
  return Object.keys(f).length ? f : undefined;
}

/** Network-level failures of a remote store (as opposed to bugs or bad requests). */
export function isUnreachable(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string }; name?: string; message?: string };
  const code = err.code ?? err.cause?.code ?? '';
  return /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|UND_ERR|EAI_AGAIN/.test(code) || /fetch failed|timeout|unavailable|NETWORK/i.test(`${err.name} ${err.message}`);
}
