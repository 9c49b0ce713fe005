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
  /** Filter tokens with a value that is not one of the valid ones: what is wrong and what to type instead. */
  errors: string[];
}

const VALID: Record<'cloud' | 'format' | 'area', readonly string[]> = { cloud: CLOUD_PROVIDERS, format: SCRIPT_FORMATS, area: AREAS };

const TOKEN = /(?:^|\s)(cloud|format|area):(\S*)/gi;

export function parseSearchInput(value: string): ParsedSearch {
  const out: ParsedSearch = { query: '', errors: [] };
  const rest = value.replace(TOKEN, (_m, key: string, v: string) => {
    const k = key.toLowerCase() as keyof typeof VALID;
    const val = v.toLowerCase();
    if (val === '') return ' ';
    if (!VALID[k].includes(val)) out.errors.push(`unknown ${k} "${v.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}": use one of ${VALID[k].join(', ')} (e.g. ${k}:${VALID[k][0]})`);
    else if (k === 'cloud') out.cloud = val as CloudProvider;
    else if (k === 'format') out.format = val as ScriptFormat;
    else out.area = val as Area;
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
