import { isEncryptedValue } from '../shared/crypto';
import { ValidationError } from '../shared/errors';
import type { ParameterSpec } from './metadata';
import { coerceParameterValue, compilePattern, envName, parseParameterText } from './parameter-values';
import { findMalformedPlaceholders, findPlaceholders } from './placeholders';

/**
 * The parameter contract of a version, checked at create, update, import, validate and before
 * every run: the declared parameters are coherent (a default of the declared type, rules that fit
 * the type), and every `{{name}}` in every script names a declared parameter. Pure functions: the
 * store calls them with the plaintext it is about to write, the runner with what it verified.
 */
export interface ContractReport {
  errors: string[];
  warnings: string[];
}

export interface ScriptText {
  /** "<format>/<file>". */
  path: string;
  /** The script as text; undefined when its bytes are not UTF-8 (not scanned for placeholders). */
  text: string | undefined;
}

/** Problems in the declarations themselves. Encrypted defaults are skipped (checked where decrypted). */
export function parameterSpecIssues(params: readonly ParameterSpec[]): string[] {
  const issues: string[] = [];
  const envNames = new Map<string, string>();
  for (const p of params) {
    const env = envName(p.name);
    const other = envNames.get(env);
    if (other !== undefined) issues.push(`parameters "${other}" and "${p.name}" would both be exported as ${env}: rename one`);
    envNames.set(env, p.name);
    issues.push(...ruleIssues(p));
    if (p.default !== undefined && !(p.sensitive && isEncryptedValue(p.default))) {
      try {
        coerceParameterValue(p, p.default, { strict: true });
      } catch (e) {
        issues.push(`default of ${(e as Error).message.replace(/^Parameter /, 'parameter ')}${(e as ValidationError).hint ? ` (${(e as ValidationError).hint})` : ''}`);
      }
    }
  }
  return issues;
}

function ruleIssues(p: ParameterSpec): string[] {
  const issues: string[] = [];
  const where = `parameter "${p.name}"`;
  if (p.allowed_values !== undefined) {
    if (p.type === 'boolean' || p.type === 'json') issues.push(`${where}: allowed_values does not apply to a ${p.type}`);
    const wantsNumber = p.type === 'integer' || p.type === 'number';
    const wrong = p.allowed_values.find((a) => (wantsNumber ? typeof a !== 'number' || (p.type === 'integer' && !Number.isSafeInteger(a)) : typeof a !== 'string'));
    if (wrong !== undefined && p.type !== 'boolean' && p.type !== 'json') issues.push(`${where}: allowed value ${JSON.stringify(wrong)} is not ${wantsNumber ? `a JSON ${p.type}` : 'a string'}`);
  }
  if (p.pattern !== undefined) {
    if (p.type !== 'string' && p.type !== 'list') issues.push(`${where}: pattern applies only to string and list parameters`);
    else {
      try {
        compilePattern(p);
      } catch (e) {
        issues.push((e as Error).message);
      }
    }
  }
  if ((p.min !== undefined || p.max !== undefined) && (p.type === 'boolean' || p.type === 'json')) issues.push(`${where}: min/max do not apply to a ${p.type}`);
  if (p.type === 'string' || p.type === 'list') {
    for (const [k, v] of [['min', p.min], ['max', p.max]] as const) if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) issues.push(`${where}: ${k} is a ${p.type === 'string' ? 'length' : 'count'}, so a whole number >= 0`);
  }
  if (p.min !== undefined && p.max !== undefined && p.min > p.max) issues.push(`${where}: min ${p.min} is greater than max ${p.max}`);
  return issues;
}

/** Placeholders against declarations: undeclared names and bad inline defaults are errors; unused parameters warnings. */
export function placeholderContract(scripts: readonly ScriptText[], params: readonly ParameterSpec[]): ContractReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const declared = new Map(params.map((p) => [p.name, p]));
  const used = new Set<string>();
  for (const s of scripts) {
    if (s.text === undefined) continue;
    for (const ph of findPlaceholders(s.text)) {
      const p = declared.get(ph.name);
      const at = `${s.path}:${ph.line}:${ph.column}`;
      if (!p) {
        errors.push(`${at} uses {{${ph.name}}}, which is not a declared parameter (declare it: \`--param ${ph.name}[:TYPE]\` on create/update, or add {"name": "${ph.name}", "type": "string"} to "parameters" in metadata.json)`);
        continue;
      }
      used.add(p.name);
      if (ph.inlineDefault !== undefined) {
        try {
          parseParameterText(p, ph.inlineDefault);
        } catch (e) {
          errors.push(`${at}: the default in {{${ph.name} | ${ph.inlineDefault}}} is invalid: ${(e as Error).message}`);
        }
      }
    }
    for (const m of findMalformedPlaceholders(s.text)) warnings.push(`${s.path}:${m.line}:${m.column}: ${m.text} looks like a placeholder but is not a valid parameter name (letters, digits and _, not starting with a digit); it is left as it is`);
  }
  errors.push(...inlineDefaultsOf(scripts).conflicts);
  if (scripts.length > 0) {
    for (const p of params) {
      if (used.has(p.name) || scripts.some((s) => s.text !== undefined && mentions(s, p.name))) continue;
      warnings.push(`parameter "${p.name}" is declared but no script uses it ({{${p.name}}}, $${envName(p.name)}, or a template/variable of that name)`);
    }
  }
  return { errors, warnings };
}

/**
 * Parameters a run itself reads for a format (runner/commands.ts): the CloudFormation stack's
 * name and the ARM deployment's resource group. A template need not mention them to use them.
 */
const READ_BY_THE_RUN: Record<string, readonly string[]> = { cloudformation: ['stack_name'], arm: ['resource_group', 'resourceGroup'] };

/** A script that reads the parameter without a placeholder: the environment variable, or a Terraform variable / template parameter of that name. */
function mentions(s: ScriptText, name: string): boolean {
  const text = s.text!;
  if (text.includes(envName(name))) return true;
  if (READ_BY_THE_RUN[s.path.split('/')[0]!]?.includes(name)) return true;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (s.path.startsWith('terraform/')) return new RegExp(`variable\\s+"${escaped}"`).test(text);
  if (s.path.startsWith('cloudformation/') || s.path.startsWith('arm/')) return new RegExp(`(^|[^A-Za-z0-9_])${escaped}([^A-Za-z0-9_]|$)`).test(text);
  return false;
}

/**
 * The inline default of each parameter (`{{region | eu-west-1}}`), from every script. A parameter
 * whose placeholders give different inline defaults is a contract error (a run has one value per
 * parameter), reported here by name and place.
 */
export function inlineDefaultsOf(scripts: readonly ScriptText[]): { defaults: Map<string, string>; conflicts: string[] } {
  const defaults = new Map<string, { text: string; at: string }>();
  const conflicts: string[] = [];
  for (const s of scripts) {
    if (s.text === undefined) continue;
    for (const ph of findPlaceholders(s.text)) {
      if (ph.inlineDefault === undefined) continue;
      const at = `${s.path}:${ph.line}:${ph.column}`;
      const seen = defaults.get(ph.name);
      if (!seen) defaults.set(ph.name, { text: ph.inlineDefault, at });
      else if (seen.text !== ph.inlineDefault) {
        conflicts.push(`{{${ph.name}}} has the default "${seen.text}" at ${seen.at} and "${ph.inlineDefault}" at ${at}: declare one default for "${ph.name}" in metadata.json instead`);
      }
    }
  }
  return { defaults: new Map([...defaults].map(([k, v]) => [k, v.text])), conflicts };
}

/** Throws one ValidationError naming every error; returns the warnings. */
export function assertParameterContract(scripts: readonly ScriptText[], params: readonly ParameterSpec[], where: string): string[] {
  const spec = parameterSpecIssues(params);
  const { errors, warnings } = placeholderContract(scripts, params);
  const all = [...spec, ...errors];
  if (all.length) throw new ValidationError(`Parameters of ${where} do not hold together`, all, { hint: 'fix the declarations or the scripts', hintCode: 'parameters-inconsistent' });
  return warnings;
}
