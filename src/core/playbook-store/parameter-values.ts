import { ValidationError } from '../shared/errors';
import type { ParameterSpec } from './metadata';

/**
 * The parameter contract: what a value of each type looks like, as text (typed by a user: a
 * flag, a prompt, an environment variable, stdin) and as data (a default in metadata.json, a
 * params file, the last values used). One implementation for the store (defaults must match
 * their type), the runner (values supplied for a run) and the extension's parameter form (live
 * validation), so the three can never disagree.
 *
 *   string   any text; min/max bound its length; pattern; allowed_values
 *   integer  a whole number within ±(2^53-1) ("007" is 7); min/max; allowed_values
 *   number   a finite number ("1e999" is refused, never stored as null); min/max; allowed_values
 *   boolean  true or false (not "yes", not 1)
 *   list     a list of strings: JSON `["a","b"]` or `a,b` as text; min/max bound its length;
 *            pattern and allowed_values apply to each item
 *   json     any JSON value; as text it must parse as JSON
 *
 * Every string anywhere in a value must be well-formed Unicode without NUL (a NUL cannot reach a
 * process's environment or argv, and a lone surrogate cannot be written as UTF-8), and a value's
 * canonical text is at most MAX_VALUE_BYTES: every value is also exported to the run's
 * environment, where Linux caps one variable at 128 KiB.
 */
export type ParameterValue = string | number | boolean | string[] | null | JsonObject | JsonArray;
type JsonObject = { [k: string]: unknown };
type JsonArray = unknown[];

export const MAX_VALUE_BYTES = 32 * 1024;

/** `text` as typed by a user, parsed into the parameter's type and checked against its rules. */
export function parseParameterText(p: ParameterSpec, text: string): ParameterValue {
  return checkRules(p, parseText(p, text));
}

/**
 * A value given as data. `strict` (defaults in metadata.json) wants the exact JSON type; otherwise
 * (params files, YAML) a scalar written as text is parsed as if typed, and a number or boolean is
 * accepted for a string parameter.
 */
export function coerceParameterValue(p: ParameterSpec, value: unknown, options: { strict?: boolean } = {}): ParameterValue {
  if (typeof value === 'string' && !options.strict && p.type !== 'string' && p.type !== 'json') return parseParameterText(p, value);
  return checkRules(p, typed(p, value, options.strict === true));
}

/** The canonical text of a value: what ESCHER_PARAM_<NAME> holds and what a text context receives. */
export function parameterText(p: ParameterSpec, v: ParameterValue): string {
  if (typeof v === 'string') return v;
  if (p.type === 'list' || p.type === 'json') return JSON.stringify(v);
  return String(v);
}

/** ESCHER_PARAM_<NAME>: the name upper-cased (names are [A-Za-z_][A-Za-z0-9_]*, so always a valid variable name). */
export function envName(name: string): string {
  return `ESCHER_PARAM_${name.toUpperCase()}`;
}

function parseText(p: ParameterSpec, raw: string): ParameterValue {
  const t = raw.trim();
  switch (p.type) {
    case 'string':
      return text(p, raw);
    case 'integer':
      if (!/^[+-]?\d+$/.test(t)) throw bad(p, raw, 'a whole number such as 8080');
      return typed(p, Number(t), true);
    case 'number':
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw bad(p, raw, 'a number such as 0.5 or 1e3');
      return typed(p, Number(t), true);
    case 'boolean':
      if (!/^(true|false)$/i.test(t)) throw bad(p, raw, 'true or false');
      return t.toLowerCase() === 'true';
    case 'list':
      if (t === '') return [];
      if (t.startsWith('[')) return typed(p, parseJson(p, t), true);
      return t.split(',').map((s) => text(p, s.trim()));
    case 'json':
      return typed(p, parseJson(p, t), true);
  }
}

function typed(p: ParameterSpec, v: unknown, strict: boolean): ParameterValue {
  switch (p.type) {
    case 'string':
      if (typeof v === 'string') return text(p, v);
      if (!strict && (typeof v === 'number' || typeof v === 'boolean') && Number.isFinite(Number(v))) return String(v);
      throw bad(p, v, 'text');
    case 'integer':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(p, v, 'a whole number between -9007199254740991 and 9007199254740991');
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(p, v, 'a finite number');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw bad(p, v, 'true or false');
      return v;
    case 'list':
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && (strict || typeof x !== 'number'))) throw bad(p, v, 'a list of strings');
      return v.map((x) => text(p, String(x)));
    case 'json':
      deepText(p, v, 0);
      return v as ParameterValue;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function text(p: ParameterSpec, s: string): string {
  if (s.includes('\0')) throw new ValidationError(`Parameter "${p.name}" contains a NUL character`, [], { hint: 'a NUL cannot be passed to a process; remove it' });
  if (LONE_SURROGATE.test(s)) throw new ValidationError(`Parameter "${p.name}" is not valid Unicode (a lone surrogate)`, [], { hint: 'give well-formed text' });
  return s;
}

function deepText(p: ParameterSpec, v: unknown, depth: number): void {
  if (depth > 64) throw new ValidationError(`Parameter "${p.name}" is nested more than 64 levels deep`);
  if (typeof v === 'string') text(p, v);
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad(p, v, 'JSON (numbers must be finite)');
  } else if (Array.isArray(v)) for (const x of v) deepText(p, x, depth + 1);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      text(p, k);
      deepText(p, x, depth + 1);
    }
  } else if (typeof v !== 'boolean' && v !== null) throw bad(p, v, 'JSON');
}

function checkRules(p: ParameterSpec, v: ParameterValue): ParameterValue {
  const size = Buffer.byteLength(parameterText(p, v), 'utf8');
  if (size > MAX_VALUE_BYTES) throw new ValidationError(`Parameter "${p.name}" is ${size} bytes long, more than the ${MAX_VALUE_BYTES} a value may have`, [], { hint: 'pass large data as a file and its path as the value' });
  const items: Array<string | number> = typeof v === 'string' || typeof v === 'number' ? [v] : Array.isArray(v) && p.type === 'list' ? (v as string[]) : [];
  if (p.allowed_values && items.some((x) => !p.allowed_values!.includes(x))) {
    throw new ValidationError(`Parameter "${p.name}" must be one of ${p.allowed_values.map((a) => JSON.stringify(a)).join(', ')}, got ${shown(p, v)}`);
  }
  if (p.pattern !== undefined && (p.type === 'string' || p.type === 'list')) {
    const re = compilePattern(p);
    const miss = items.find((x) => !re.test(String(x)));
    if (miss !== undefined) throw new ValidationError(`Parameter "${p.name}" ${shown(p, miss)} does not match the pattern ${p.pattern}`);
  }
  const measure = typeof v === 'number' ? v : typeof v === 'string' ? [...v].length : Array.isArray(v) && p.type === 'list' ? v.length : undefined;
  if (measure !== undefined && (p.type !== 'json' && p.type !== 'boolean')) {
    const what = typeof v === 'number' ? 'be' : typeof v === 'string' ? 'have a length' : 'have a number of items';
    if (p.min !== undefined && measure < p.min) throw new ValidationError(`Parameter "${p.name}" must ${what} at least ${p.min}, got ${shown(p, v)}`);
    if (p.max !== undefined && measure > p.max) throw new ValidationError(`Parameter "${p.name}" must ${what} at most ${p.max}, got ${shown(p, v)}`);
  }
  return v;
}

/** The parameter's pattern, anchored (it must match the whole value). Throws ValidationError when it does not compile. */
export function compilePattern(p: ParameterSpec): RegExp {
  try {
    return new RegExp(`^(?:${p.pattern ?? ''})$`, 'u');
  } catch (e) {
    throw new ValidationError(`Parameter "${p.name}": pattern ${JSON.stringify(p.pattern)} is not a valid regular expression (${(e as Error).message})`);
  }
}

function parseJson(p: ParameterSpec, t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    throw bad(p, t, p.type === 'list' ? 'a JSON list of strings such as ["a","b"], or a,b' : 'valid JSON such as {"key": "value"}');
  }
}

const TYPE_WORDS: Record<ParameterSpec['type'], string> = { string: 'text', integer: 'an integer', number: 'a number', boolean: 'a boolean', list: 'a list', json: 'JSON' };

function bad(p: ParameterSpec, got: unknown, want: string): ValidationError {
  return new ValidationError(`Parameter "${p.name}" must be ${TYPE_WORDS[p.type]}, got ${shown(p, got)}`, [], { hint: `give ${want}` });
}

/** A value as an error message may show it: never a sensitive one. */
function shown(p: ParameterSpec, v: unknown): string {
  return p.sensitive ? '(a hidden value)' : preview(v);
}

/** A short, printable rendering of a value for an error message (control characters escaped). */
export function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
