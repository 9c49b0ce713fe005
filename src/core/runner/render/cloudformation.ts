import { isPair, isScalar, isSeq, type Node, parseDocument, type Scalar, visit } from 'yaml';
import { parameterText } from '../../playbook-store/parameter-values';
import { findPlaceholders } from '../../playbook-store/placeholders';
import type { Finding } from '../types';
import { parseTemplate } from './cfn-yaml';
import { CFN_PARAMETERS_FILE } from './generated-files';
import { finding, type OutFile, type RenderValues, type SourceScript } from './render-types';
import { mapStrings, substituteInString } from './tree-substitution';

/**
 * CloudFormation: the template's own Parameters get their values from a generated parameters
 * file (`aws cloudformation deploy --parameter-overrides file://…`), matched by name. A
 * `{{placeholder}}` in the template is filled in the parsed template (tree-substitution.ts) and
 * written back by the YAML/JSON serializer; inside a Fn::Sub string a value's `${` is written
 * `${!`, Fn::Sub's escape, so a value cannot reference anything.
 */

export interface TemplateRender {
  files: OutFile[];
  findings: Finding[];
  /** Every rendered template as data (for preflight), by path. */
  templates: Map<string, unknown>;
}

export function renderCloudFormation(scripts: readonly SourceScript[], v: RenderValues, entry: string | undefined): TemplateRender {
  const files: OutFile[] = [];
  const findings: Finding[] = [];
  const templates = new Map<string, unknown>();
  for (const s of scripts) {
    let text = s.text;
    if (text !== undefined && findPlaceholders(text).length > 0) {
      const r = /^\s*\{/.test(text) ? renderJson(s.path, text, v) : renderYaml(s.path, text, v);
      findings.push(...r.findings);
      text = r.text;
    }
    files.push({ path: s.path, bytes: text === undefined ? s.bytes : Buffer.from(text, 'utf8'), mode: 0o600, generated: false });
    if (text !== undefined) templates.set(s.path, parseTemplate(text).data);
  }
  const params = entry ? templateParameters(templates.get(entry)) : [];
  const overrides: Array<{ ParameterKey: string; ParameterValue: string }> = [];
  for (const name of params) {
    const p = v.params.get(name);
    const value = v.values.get(name);
    if (!p || value === undefined) continue;
    if (p.type === 'list' && (value as string[]).some((x) => x.includes(','))) {
      findings.push(finding(entry!, undefined, `parameter "${name}" has an item with a comma, which a CloudFormation list parameter cannot carry`));
    }
    overrides.push({ ParameterKey: name, ParameterValue: p.type === 'list' ? (value as string[]).join(',') : parameterText(p, value) });
  }
  if (overrides.length) files.push({ path: CFN_PARAMETERS_FILE, bytes: Buffer.from(JSON.stringify(overrides, null, 2) + '\n', 'utf8'), mode: 0o600, generated: true });
  return { files, findings, templates };
}

/** Names of a template's declared Parameters. */
export function templateParameters(data: unknown): string[] {
  const params = (data as { Parameters?: unknown } | undefined)?.Parameters;
  return params && typeof params === 'object' && !Array.isArray(params) ? Object.keys(params) : [];
}

const subEscape = (text: string) => text.replace(/\$\{/g, '${!');
const plain = (text: string) => text;

function renderJson(file: string, text: string, v: RenderValues): { text: string; findings: Finding[] } {
  const findings: Finding[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { text, findings }; // preflight reports the parse error
  }
  const out = mapStrings(data, (s, path, isKey) => {
    if (isKey) {
      if (findPlaceholders(s).length) findings.push(finding(file, undefined, `a placeholder in the key "${s}" is not filled: keys are structure, not values`));
      return undefined;
    }
    const inSub = path[path.length - 1] === 'Fn::Sub' || (path[path.length - 1] === 0 && path[path.length - 2] === 'Fn::Sub');
    const r = substituteInString(s, v, inSub ? subEscape : plain, { typedWhole: !inSub });
    if (r?.error) findings.push(finding(file, undefined, r.error));
    return r?.value;
  });
  return { text: JSON.stringify(out, null, 2) + '\n', findings };
}

function renderYaml(file: string, text: string, v: RenderValues): { text: string; findings: Finding[] } {
  const findings: Finding[] = [];
  const doc = parseDocument(text);
  if (doc.errors.length) return { text, findings };
  visit(doc, {
    Scalar(key, node, path) {
      if (typeof node.value !== 'string') return undefined;
      if (key === 'key') {
        if (findPlaceholders(node.value).length) findings.push(finding(file, lineOf(text, node), `a placeholder in the key "${node.value}" is not filled: keys are structure, not values`));
        return undefined;
      }
      const inSub = isSubString(node, path);
      const r = substituteInString(node.value, v, inSub ? subEscape : plain, { typedWhole: !inSub });
      if (!r) return undefined;
      if (r.error) findings.push(finding(file, lineOf(text, node), r.error));
      if (typeof r.value === 'string') {
        node.value = r.value;
        return undefined;
      }
      return doc.createNode(r.value);
    },
  });
  return { text: doc.toString({ lineWidth: 0 }), findings };
}

/** A Fn::Sub template string: `!Sub "…"`, `Fn::Sub: "…"`, or the first item of either's list form. */
function isSubString(node: Scalar, path: ReadonlyArray<unknown>): boolean {
  if (node.tag === '!Sub') return true;
  const parent = path[path.length - 1];
  if (isPair(parent) && isScalar(parent.key) && parent.key.value === 'Fn::Sub') return true;
  if (isSeq(parent) && parent.items[0] === node) {
    if (parent.tag === '!Sub') return true;
    const holder = path[path.length - 2];
    return isPair(holder) && isScalar(holder.key) && holder.key.value === 'Fn::Sub';
  }
  return false;
}

function lineOf(text: string, node: Node): number | undefined {
  const start = node.range?.[0];
  if (start === undefined) return undefined;
  return text.slice(0, start).split('\n').length;
}
