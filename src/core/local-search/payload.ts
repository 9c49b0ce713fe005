import type { Area, CloudProvider, PlaybookMetadata, ScriptFormat } from '../playbook-store/metadata';

/**
 * What the user_playbooks collection stores per playbook (one point per playbook id: its latest
 * version in whichever area it lives). As the seed says: the full metadata plus the scripts, so a
 * search hit can be shown and acted on without going back to the files. Script bodies are
 * included only for small, non-sensitive, UTF-8 scripts (sensitive ones are encrypted at rest
 * and must not leak into an index).
 *
 * The top-level copies of area/cloud_provider/resource_types/formats are the filter fields
 * (Qdrant payload indexes are built on them); content_hash + area + version are what reconcile
 * compares; embed_hash says whether the embedded text changed (a move or a script-only change
 * keeps the vector).
 */
export interface PlaybookPayload {
  playbook_id: string;
  version: string;
  area: Area;
  name: string;
  description: string;
  keywords: string[];
  cloud_provider: CloudProvider;
  resource_types: string[];
  formats: ScriptFormat[];
  /** resource_types lower-cased: the filter matches case-insensitively in both stores. */
  resource_types_lc: string[];
  updated_at: string;
  content_hash: string;
  embed_hash: string;
  metadata: PlaybookMetadata;
  /** path -> body, for scripts up to SCRIPT_BODY_LIMIT bytes. */
  scripts: Record<string, string>;
}

export const SCRIPT_BODY_LIMIT = 16 * 1024;

export interface SearchFilter {
  cloud?: CloudProvider;
  format?: ScriptFormat;
  area?: Area;
  resourceType?: string;
}

/** Works on a whole payload or on its row (stored-payload.ts): only the filter fields are read. */
export function matchesFilter(p: Pick<PlaybookPayload, 'cloud_provider' | 'area' | 'formats' | 'resource_types_lc'>, f: SearchFilter | undefined): boolean {
  if (!f) return true;
  if (f.cloud && p.cloud_provider !== f.cloud) return false;
  if (f.area && p.area !== f.area) return false;
  if (f.format && !p.formats.includes(f.format)) return false;
  if (f.resourceType && !p.resource_types_lc.includes(f.resourceType.toLowerCase())) return false;
  return true;
}

export function isEmptyFilter(f: SearchFilter | undefined): boolean {
  return !f || (!f.cloud && !f.area && !f.format && !f.resourceType);
}
