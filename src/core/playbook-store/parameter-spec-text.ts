import { ValidationError } from '../shared/errors';
import { PARAMETER_TYPES, type ParameterSpec } from './metadata';
import { parameterText, parseParameterText } from './parameter-values';

/**
 * A parameter declaration written as one line of text: `NAME[:TYPE][!][=DEFAULT]` ("!" marks it
 * required; DEFAULT is parsed as the type says, parameter-values.ts). The CLI's `--param` and the
 * extension's parameter steps read the same syntax through these functions, so a declaration
 * typed in either place means the same thing.
 *
 * `option` names where the text came from in errors ("--param", "Parameter"). With `secret`, no
 * part of the text is repeated in an error: a user who typed the value where the name goes would
 * otherwise see it echoed (and logged).
 */
export function parseParamSpec(spec: string, sensitive: boolean, option = sensitive ? '--secret-param' : '--param'): ParameterSpec {
  const eq = spec.indexOf('=');
  const p = parseParamHead(eq < 0 ? spec : spec.slice(0, eq), option, sensitive);
  if (eq >= 0) p.default = paramDefault(p, spec.slice(eq + 1));
  return p;
}

/** `NAME[:TYPE][!]`. */
export function parseParamHead(head: string, option: string, secret: boolean): ParameterSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(!)?$/.exec(head.trim());
  if (!m) {
    const shown = secret ? 'a value' : `"${head}"`;
    throw new ValidationError(`${option} got ${shown} that does not look like NAME[:TYPE][!][=DEFAULT]`, [], {
      hint: `NAME is letters, digits and _ (not starting with a digit)${secret ? '; the text is not shown because it may be a secret' : ''}`,
    });
  }
  const [, name, type = 'string', required] = m;
  if (!(PARAMETER_TYPES as readonly string[]).includes(type)) throw new ValidationError(`${option} ${name}: unknown type${secret ? '' : ` "${type}"`}`, [], { hint: `use one of ${PARAMETER_TYPES.join(', ')}` });
  const p: ParameterSpec = { name: name!, type: type as ParameterSpec['type'] };
  if (required) p.required = true;
  if (secret) p.sensitive = true;
  return p;
}

/**
 * A default given as text, parsed by the parameter's own rules: `x:integer=abc` or
 * `n:number=1e999` is an error, never stored; a sensitive value is never quoted.
 */
export function paramDefault(p: ParameterSpec, text: string): unknown {
  return parseParameterText(p, text);
}

/**
 * The line that parseParamSpec reads back as this declaration's name, type, required flag and
 * default. A sensitive parameter's default is never written out (`withDefault: false` for it).
 */
export function paramSpecText(p: ParameterSpec, options: { withDefault?: boolean } = {}): string {
  const head = `${p.name}${p.type === 'string' ? '' : `:${p.type}`}${p.required ? '!' : ''}`;
  const withDefault = (options.withDefault ?? true) && !p.sensitive && p.default !== undefined;
  return withDefault ? `${head}=${parameterText(p, p.default as never)}` : head;
}
