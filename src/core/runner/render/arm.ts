import type { Finding } from '../types';
import { ARM_PARAMETERS_FILE } from './generated-files';
import { finding, type OutFile, type RenderValues, type SourceScript } from './render-types';
import { mapStrings, substituteInString } from './tree-substitution';
import { findPlaceholders } from '../../playbook-store/placeholders';

/**
 * ARM: the template's own parameters get their values from a generated parameters file
 * (`az deployment group create --parameters @…`), matched by name. A `{{placeholder}}` is filled
 * in the parsed template and written back with JSON.stringify, under ARM's rules for strings:
 *
 *   - a string "[…]" is an expression: a placeholder may stand only inside one of its '…' string
 *     literals, where the value's quotes are doubled (ARM's escape); elsewhere it is refused;
 *   - any other string stays literal: it is filled in what it means (an escaped "[[…]" means
 *     "[…]") and written back escaped ("[[…]") whenever the result starts with "[" and ends with "]".
 *
 * A string that is exactly one placeholder of a non-string parameter becomes the typed value.
 */
const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

export interface ArmRender {
  files: OutFile[];
  findings: Finding[];
  templates: Map<string, unknown>;
}

export function renderArm(scripts: readonly SourceScript[], v: RenderValues, entry: string | undefined): ArmRender {
  const files: OutFile[] = [];
  const findings: Finding[] = [];
  const templates = new Map<string, unknown>();
  for (const s of scripts) {
    let data: unknown;
    try {
      data = s.text === undefined ? undefined : JSON.parse(s.text);
    } catch {
      data = undefined; // preflight reports it
    }
    if (data !== undefined && findPlaceholders(s.text!).length > 0) {
      data = mapStrings(data, (str, _path, isKey) => {
        if (isKey) {
          if (findPlaceholders(str).length) findings.push(finding(s.path, undefined, `a placeholder in the key "${str}" is not filled: keys are structure, not values`));
          return undefined;
        }
        return armString(s.path, str, v, findings);
      });
      files.push({ path: s.path, bytes: Buffer.from(JSON.stringify(data, null, 2) + '\n', 'utf8'), mode: 0o600, generated: false });
    } else files.push({ path: s.path, bytes: s.bytes, mode: 0o600, generated: false });
    if (data !== undefined) templates.set(s.path, data);
  }
  const declared = entry ? armParameters(templates.get(entry)) : [];
  const values: Record<string, { value: unknown }> = {};
  for (const name of declared) {
    const value = v.values.get(name);
    if (v.params.has(name) && value !== undefined) values[name] = { value };
  }
  if (Object.keys(values).length) {
    const doc = { $schema: PARAMETERS_SCHEMA, contentVersion: '1.0.0.0', parameters: values };
    files.push({ path: ARM_PARAMETERS_FILE, bytes: Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8'), mode: 0o600, generated: true });
  }
  return { files, findings, templates };
}

export function armParameters(data: unknown): string[] {
  const params = (data as { parameters?: unknown } | undefined)?.parameters;
  return params && typeof params === 'object' && !Array.isArray(params) ? Object.keys(params) : [];
}

function isExpression(s: string): boolean {
  return s.startsWith('[') && !s.startsWith('[[') && s.endsWith(']');
}

/** ARM writes a literal that starts with "[" and ends with "]" as "[[…]" (one bracket is dropped when read). */
function encodeLiteral(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? `[${text}` : text;
}

function armString(file: string, s: string, v: RenderValues, findings: Finding[]): unknown {
  if (!isExpression(s)) {
    // Filled in what the string means (an escaped "[[…]" means "[…]"), then written back escaped if needed.
    const meaning = s.startsWith('[[') && s.endsWith(']') ? s.slice(1) : s;
    const r = substituteInString(meaning, v, (text) => text, { typedWhole: true });
    if (!r) return undefined;
    return typeof r.value === 'string' ? encodeLiteral(r.value) : r.value;
  }
  const r = substituteInString(
    s,
    v,
    (text, offset) => {
      // Inside a '…' literal when an odd number of quotes precede it ('' escapes count twice).
      const quotes = (s.slice(0, offset).match(/'/g) ?? []).length;
      if (quotes % 2 === 0) return { error: `stands in an ARM expression outside a '…' string literal: pass it as a template parameter, parameters('name'), instead` };
      return text.replace(/'/g, "''");
    },
    { typedWhole: false },
  );
  if (!r) return undefined;
  if (r.error) findings.push(finding(file, undefined, r.error));
  return r.value;
}
