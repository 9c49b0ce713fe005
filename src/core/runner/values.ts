import { ValidationError } from '../shared/errors';
import type { ParameterSpec } from '../playbook-store/metadata';
import { coerceParameterValue, type ParameterValue, parseParameterText } from '../playbook-store/parameter-values';
import type { ResolvedValue, SuppliedValues } from './types';

/**
 * The value of every parameter for one run, in this order: flags (--param, --param-env,
 * --param-stdin, prompts), the params file, the recorded values of the run being re-run (never
 * sensitive ones: those are asked again), the last values used for this playbook on this
 * machine (never sensitive ones), the declared default, the placeholders' inline default. A
 * required parameter left without a value is "missing": the caller prompts for it on a terminal
 * or fails naming every one.
 */
export interface ValueResolution {
  values: ResolvedValue[];
  missing: ParameterSpec[];
}

export function resolveValues(
  params: readonly ParameterSpec[],
  supplied: SuppliedValues,
  last: Record<string, unknown>,
  inlineDefaults: ReadonlyMap<string, string>,
): ValueResolution {
  const byName = new Map(params.map((p) => [p.name, p]));
  const unknown = [...(supplied.text ?? []).map((t) => t.name), ...Object.keys(supplied.file ?? {})].filter((n) => !byName.has(n));
  if (unknown.length) {
    throw new ValidationError(`No parameter named ${[...new Set(unknown)].map((n) => `"${n}"`).join(', ')}`, [], {
      hint: params.length ? `this playbook's parameters: ${params.map((p) => p.name).join(', ')}` : 'this playbook declares no parameters',
    });
  }
  const errors: string[] = [];
  const values: ResolvedValue[] = [];
  const missing: ParameterSpec[] = [];
  for (const p of params) {
    try {
      const r = resolveOne(p, supplied, last, inlineDefaults);
      if (r.value === undefined && p.required) missing.push(p);
      values.push(r);
    } catch (e) {
      errors.push((e as Error).message + ((e as ValidationError).hint ? ` (${(e as ValidationError).hint})` : ''));
    }
  }
  if (errors.length) throw new ValidationError(errors.length === 1 ? errors[0]! : 'Invalid parameter values', errors.length === 1 ? [] : errors);
  return { values, missing };
}

function resolveOne(p: ParameterSpec, supplied: SuppliedValues, last: Record<string, unknown>, inlineDefaults: ReadonlyMap<string, string>): ResolvedValue {
  const typed = [...(supplied.text ?? [])].reverse().find((t) => t.name === p.name);
  if (typed) return { spec: p, value: parseParameterText(p, typed.text), source: typed.source };
  const file = supplied.file ?? {};
  if (Object.prototype.hasOwnProperty.call(file, p.name)) return { spec: p, value: coerceParameterValue(p, file[p.name]), source: 'file' };
  const rerun = supplied.rerun ?? {};
  if (!p.sensitive && Object.prototype.hasOwnProperty.call(rerun, p.name)) return { spec: p, value: coerceParameterValue(p, rerun[p.name]), source: 'rerun' };
  if (!p.sensitive && supplied.useLast !== false && Object.prototype.hasOwnProperty.call(last, p.name)) {
    // A remembered value the declaration no longer accepts (its rules changed) is simply not used.
    const v = tryCoerce(p, last[p.name]);
    if (v !== undefined) return { spec: p, value: v, source: 'last' };
  }
  if (p.default !== undefined) return { spec: p, value: coerceParameterValue(p, p.default, { strict: true }), source: 'default' };
  const inline = inlineDefaults.get(p.name);
  if (inline !== undefined) return { spec: p, value: parseParameterText(p, inline), source: 'inline-default' };
  return { spec: p, value: undefined, source: 'none' };
}

function tryCoerce(p: ParameterSpec, v: unknown): ParameterValue | undefined {
  try {
    return coerceParameterValue(p, v);
  } catch {
    return undefined;
  }
}

/** The record's view of the values: sensitive ones redacted, never their value. */
export function recordedValues(values: readonly ResolvedValue[]): Record<string, { value?: unknown; redacted?: true; source: ResolvedValue['source'] }> {
  const out: Record<string, { value?: unknown; redacted?: true; source: ResolvedValue['source'] }> = {};
  for (const v of values) out[v.spec.name] = v.spec.sensitive ? { redacted: true, source: v.source } : { ...(v.value === undefined ? {} : { value: v.value }), source: v.source };
  return out;
}
