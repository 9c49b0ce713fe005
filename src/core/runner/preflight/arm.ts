import type { Finding } from '../types';
import { isObject, type PreflightInput, type PreflightOutput } from './preflight-types';

/**
 * ARM: each template is JSON with a resource-group deployment `$schema`, a `contentVersion` and
 * `resources`; the template that runs gets every parameter a value (supplied, or its
 * defaultValue) of its declared type that keeps allowedValues, minValue/maxValue and
 * minLength/maxLength. Only resource-group deployments run (`az deployment group`).
 */

const TYPES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  securestring: (v) => typeof v === 'string',
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => isObject(v),
  secureobject: (v) => isObject(v),
};

export function armPreflight(input: PreflightInput): Promise<PreflightOutput> {
  const findings: Finding[] = [];
  for (const f of input.files) {
    if (f.generated || /\.parameters\.json$/i.test(f.path)) continue;
    const err = (message: string): Finding => ({ severity: 'error', source: 'arm', file: f.path, message });
    let data: unknown;
    try {
      data = JSON.parse(f.bytes.toString('utf8'));
    } catch (e) {
      findings.push(err(`not valid JSON: ${(e as Error).message}`));
      continue;
    }
    if (!isObject(data)) {
      findings.push(err('the template is not a JSON object'));
      continue;
    }
    const schema = typeof data.$schema === 'string' ? data.$schema : '';
    if (!/deploymentTemplate\.json/i.test(schema)) findings.push(err('"$schema" must name an ARM deployment template schema (…/deploymentTemplate.json#)'));
    else if (f.path === input.entry && !/\/deploymentTemplate\.json/i.test(schema)) findings.push(err(`only resource-group deployments run (az deployment group); this template's $schema is ${schema}`));
    if (typeof data.contentVersion !== 'string') findings.push(err('"contentVersion" is missing (e.g. "1.0.0.0")'));
    if (!Array.isArray(data.resources) && !isObject(data.resources)) findings.push(err('"resources" is missing'));
    if (f.path === input.entry && isObject(data.parameters)) findings.push(...parameterValues(f.path, data.parameters, input.values));
  }
  return Promise.resolve({ findings, tools: [] });
}

function parameterValues(file: string, params: Record<string, unknown>, values: ReadonlyMap<string, unknown>): Finding[] {
  const out: Finding[] = [];
  for (const [name, decl] of Object.entries(params)) {
    if (!isObject(decl)) continue;
    const err = (message: string): Finding => ({ severity: 'error', source: 'arm', file, message: `template parameter "${name}" ${message}` });
    const supplied = values.get(name);
    if (supplied === undefined) {
      if (decl.defaultValue === undefined) out.push(err(`has no value: declare a playbook parameter "${name}" or give it a defaultValue`));
      continue;
    }
    const type = String(decl.type ?? '').toLowerCase();
    if (TYPES[type] && !TYPES[type](supplied)) {
      out.push(err(`is declared ${String(decl.type)} but the value is not`));
      continue;
    }
    if (Array.isArray(decl.allowedValues) && !decl.allowedValues.some((a) => JSON.stringify(a) === JSON.stringify(supplied))) out.push(err(`must be one of ${decl.allowedValues.map((a) => JSON.stringify(a)).join(', ')}`));
    if (typeof supplied === 'number') {
      if (typeof decl.minValue === 'number' && supplied < decl.minValue) out.push(err(`must be at least ${decl.minValue}`));
      if (typeof decl.maxValue === 'number' && supplied > decl.maxValue) out.push(err(`must be at most ${decl.maxValue}`));
    }
    const len = typeof supplied === 'string' ? [...supplied].length : Array.isArray(supplied) ? supplied.length : undefined;
    if (len !== undefined && typeof decl.minLength === 'number' && len < decl.minLength) out.push(err(`must have a length of at least ${decl.minLength}`));
    if (len !== undefined && typeof decl.maxLength === 'number' && len > decl.maxLength) out.push(err(`must have a length of at most ${decl.maxLength}`));
  }
  return out;
}
