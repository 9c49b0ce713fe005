import { InvalidArgumentError } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ParameterSpec } from '../core/playbook-store/metadata';
import { parseParameterText } from '../core/playbook-store/parameter-values';
import type { ScriptInput } from '../core/playbook-store/types';
import { ValidationError } from '../core/shared/errors';

/** Parsers for option values shared by several commands. */

/** For repeatable options: `--script a --script b`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** "a, b,,c" -> ["a","b","c"] (de-duplicated, order kept). */
export function commaList(value: string): string[] {
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
}

export function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

/**
 * `--script FORMAT=FILE` stores FILE as "<format>/<basename>"; `--script FORMAT/NAME=FILE` picks
 * the stored name. FILE is read now; a missing file fails before anything is written.
 */
export async function readScriptArgs(specs: readonly string[] | undefined, sensitive: boolean): Promise<ScriptInput[]> {
  const out: ScriptInput[] = [];
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new ValidationError(`--script "${spec}" must look like FORMAT=PATH (e.g. shell=./stop.sh)`);
    const target = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    let content: Buffer;
    try {
      content = await fs.readFile(file);
    } catch (e) {
      throw new ValidationError(`Cannot read script file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const storedPath = target.includes('/') ? target : `${target}/${path.basename(file)}`;
    out.push({ path: storedPath, content, ...(sensitive ? { sensitive: true } : {}) });
  }
  return out;
}

/**
 * `--param NAME[:TYPE][!][=DEFAULT]`: "!" marks it required; DEFAULT is parsed as the type says
 * (parameter-values.ts: `true`/`false`, whole numbers, `a,b` or a JSON list, JSON) and must be
 * valid for it. `--secret-param` takes the same form and marks the parameter sensitive (default
 * encrypted); its errors never quote the spec or the value, which may hold the secret (see
 * secret-params.ts for the safer forms).
 */
export function parseParamSpec(spec: string, sensitive: boolean): ParameterSpec {
  const eq = spec.indexOf('=');
  const p = parseParamHead(eq < 0 ? spec : spec.slice(0, eq), sensitive ? '--secret-param' : '--param', sensitive);
  if (eq >= 0) p.default = paramDefault(p, spec.slice(eq + 1));
  return p;
}

/**
 * `NAME[:TYPE][!]`. With `secret`, no part of the text is repeated in an error: a user who typed
 * the value where the name goes would otherwise see it echoed (and logged).
 */
export function parseParamHead(head: string, option: string, secret: boolean): ParameterSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(!)?$/.exec(head);
  if (!m) {
    const shown = secret ? 'a value' : `"${head}"`;
    throw new ValidationError(`${option} got ${shown} that does not look like NAME[:TYPE][!][=DEFAULT]`, [], {
      hint: `NAME is letters, digits and _ (not starting with a digit)${secret ? '; the text is not shown because it may be a secret' : ''}`,
    });
  }
  const [, name, type = 'string', required] = m;
  if (!PARAM_TYPES.includes(type)) throw new ValidationError(`${option} ${name}: unknown type${secret ? '' : ` "${type}"`}`, [], { hint: `use one of ${PARAM_TYPES.join(', ')}` });
  const p: ParameterSpec = { name: name!, type: type as ParameterSpec['type'] };
  if (required) p.required = true;
  if (secret) p.sensitive = true;
  return p;
}

const PARAM_TYPES = ['string', 'number', 'integer', 'boolean', 'list', 'json'];

/**
 * A default given as text, parsed by the parameter's own rules: `x:integer=abc` or
 * `n:number=1e999` is an error here (exit 2), never stored; a sensitive value is never quoted.
 */
export function paramDefault(p: ParameterSpec, text: string): unknown {
  return parseParameterText(p, text);
}
