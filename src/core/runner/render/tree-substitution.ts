import type { ParameterSpec } from '../../playbook-store/metadata';
import { type ParameterValue, parameterText } from '../../playbook-store/parameter-values';
import { findPlaceholders } from '../../playbook-store/placeholders';
import type { RenderValues } from './render-types';

/**
 * Placeholders inside the string values of a parsed template (CloudFormation, ARM). The template
 * is parsed, changed as data and written out by a serializer, so a value can only ever become
 * string content (or, for a string that is exactly one placeholder, the typed value itself):
 * quotes, newlines or braces in it are escaped by the serializer, never read as structure.
 * Format-specific meaning inside strings (CloudFormation's `${…}` in Fn::Sub, ARM's `[…]`
 * expressions) is handled by the caller's `escape`.
 */
export interface StringSubstitution {
  /** The new value: a string, or the typed value when the string was exactly one placeholder. */
  value: unknown;
  /** Placeholders this string had that name no declared parameter (left as they are). */
  unknown: string[];
  error?: string;
}

export function substituteInString(
  s: string,
  v: RenderValues,
  escape: (text: string, offsetInOriginal: number) => string | { error: string },
  options: { typedWhole: boolean },
): StringSubstitution | undefined {
  const placeholders = findPlaceholders(s);
  if (placeholders.length === 0) return undefined;
  const unknown = placeholders.filter((ph) => !v.params.has(ph.name)).map((ph) => ph.name);
  const only = placeholders[0]!;
  if (options.typedWhole && placeholders.length === 1 && only.start === 0 && only.end === s.length && v.params.has(only.name)) {
    const p = v.params.get(only.name)!;
    const value = v.values.get(only.name);
    if (p.type !== 'string') return { value: value ?? null, unknown };
  }
  let out = '';
  let at = 0;
  for (const ph of placeholders) {
    out += s.slice(at, ph.start);
    at = ph.end;
    const p = v.params.get(ph.name);
    if (!p) {
      out += s.slice(ph.start, ph.end);
      continue;
    }
    const escaped = escape(textOf(p, v.values.get(ph.name)), ph.start);
    if (typeof escaped !== 'string') return { value: s, unknown, error: `{{${ph.name}}} ${escaped.error}` };
    out += escaped;
  }
  return { value: out + s.slice(at), unknown };
}

function textOf(p: ParameterSpec, value: ParameterValue | undefined): string {
  return value === undefined ? '' : parameterText(p, value);
}

/** Visits every string of a JSON value; `replace` returns the new value or undefined to keep it. */
export function mapStrings(
  value: unknown,
  replace: (s: string, path: ReadonlyArray<string | number>, isKey: boolean) => unknown,
  path: Array<string | number> = [],
): unknown {
  if (typeof value === 'string') {
    const r = replace(value, path, false);
    return r === undefined ? value : r;
  }
  if (Array.isArray(value)) return value.map((x, i) => mapStrings(x, replace, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) {
      replace(k, [...path, k], true);
      out[k] = mapStrings(x, replace, [...path, k]);
    }
    return out;
  }
  return value;
}
