import { AREAS, type Area, CLOUD_PROVIDERS, type CloudProvider, SCRIPT_FORMATS, type ScriptFormat } from '../../core/playbook-store/metadata';

/**
 * What the user typed in the search quick pick: free text plus optional `cloud:aws`,
 * `format:python`, `area:synced` tokens (the filter buttons insert the same tokens, so what is
 * filtered is always visible in the box and editable by hand).
 */
export interface ParsedSearch {
  query: string;
  cloud?: CloudProvider;
  format?: ScriptFormat;
  area?: Area;
}

const TOKEN = /(?:^|\s)(cloud|format|area):(\S*)/gi;

export function parseSearchInput(value: string): ParsedSearch {
  const out: ParsedSearch = { query: '' };
  const rest = value.replace(TOKEN, (_m, key: string, v: string) => {
    const k = key.toLowerCase();
    const val = v.toLowerCase();
    if (k === 'cloud' && (CLOUD_PROVIDERS as readonly string[]).includes(val)) out.cloud = val as CloudProvider;
    else if (k === 'format' && (SCRIPT_FORMATS as readonly string[]).includes(val)) out.format = val as ScriptFormat;
    else if (k === 'area' && (AREAS as readonly string[]).includes(val)) out.area = val as Area;
    return ' ';
  });
  out.query = rest.replace(/\s+/g, ' ').trim();
  return out;
}

/** Sets (or with `undefined`, removes) one filter token in the typed value, keeping the rest. */
export function withFilter(value: string, key: 'cloud' | 'format' | 'area', v: string | undefined): string {
  const without = value.replace(new RegExp(`(?:^|\\s)${key}:\\S*`, 'gi'), ' ').replace(/\s+/g, ' ').trim();
  return v ? `${without}${without ? ' ' : ''}${key}:${v} `.replace(/^\s+/, '') : without;
}
