import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { textRuleMessage, valueAt } from '../shared/text-rules';
import { wireSchemas } from './wire-schemas';

/**
 * One Ajv instance holding the wire schemas under WIRE_ID, so `#/components/schemas/X` references
 * resolve exactly as they do inside the OpenAPI document. Validators compile on first use (Ajv
 * compilation costs milliseconds; the CLI should not pay for schemas it never checks).
 */
export const WIRE_ID = 'urn:escher:wire';

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

export function wireAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    // `components` is the OpenAPI container, not a JSON Schema keyword; declaring it keeps strict mode on.
    ajv.addKeyword('components');
    ajv.addSchema({ $id: WIRE_ID, components: { schemas: wireSchemas } });
  }
  return ajv;
}

export function wireRef(name: string): { $ref: string } {
  if (!(name in wireSchemas)) throw new Error(`no wire schema named ${name}`);
  return { $ref: `${WIRE_ID}#/components/schemas/${name}` };
}

export function wireValidator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = wireAjv().compile(wireRef(name));
    compiled.set(name, v);
  }
  return v;
}

/**
 * Human-readable, bounded list of what is wrong ("/metadata/name must NOT have fewer than 1
 * characters"). `root` is the validated value, so a refused character can be named.
 */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, max = 5, root?: unknown): string[] {
  const out = (errors ?? []).slice(0, max).map((e) => {
    const where = e.instancePath || '(root)';
    const text = e.keyword === 'pattern' ? textRuleMessage(e.params.pattern, root === undefined ? undefined : valueAt(root, e.instancePath)) : undefined;
    if (text) return `${where} ${text}`;
    if (e.keyword === 'additionalProperties') return `${where} has unknown property "${String(e.params.additionalProperty)}"`;
    if (e.keyword === 'enum') return `${where} must be one of ${JSON.stringify(e.params.allowedValues)}`;
    return `${where} ${e.message ?? 'is invalid'}`;
  });
  if ((errors?.length ?? 0) > max) out.push(`… and ${(errors?.length ?? 0) - max} more`);
  return out;
}

/** Returns the issues of `value` against the named schema (empty when valid). */
export function wireIssues(name: string, value: unknown): string[] {
  const v = wireValidator(name);
  return v(value) ? [] : formatAjvErrors(v.errors, 5, value);
}
