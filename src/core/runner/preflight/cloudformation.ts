import { parseTemplate } from '../render/cfn-yaml';
import { runTool, which } from '../tools';
import type { Finding, ToolTiming } from '../types';
import { absolute, isObject, type PreflightInput, type PreflightOutput } from './preflight-types';

/**
 * CloudFormation: each template parses (JSON, or YAML with the short-form tags); it is a mapping
 * with only known sections, a non-empty Resources whose entries have a Type, and a
 * AWSTemplateFormatVersion of 2010-09-09 if it has one. The template that runs gets every
 * Parameter a value (supplied, or its Default) that keeps its rules (AllowedValues,
 * AllowedPattern, Min/MaxLength, Min/MaxValue, Number). cfn-lint runs too when installed.
 */
const SECTIONS = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs']);

export async function cloudFormationPreflight(input: PreflightInput): Promise<PreflightOutput> {
  const findings: Finding[] = [];
  const tools: ToolTiming[] = [];
  const cfnLint = which('cfn-lint', input.env);
  for (const f of input.files) {
    if (f.generated) continue;
    const { data, error } = parseTemplate(f.bytes.toString('utf8'));
    if (error) {
      findings.push({ severity: 'error', source: 'cloudformation', file: f.path, ...(error.line ? { line: error.line } : {}), message: error.message });
      continue;
    }
    findings.push(...structure(f.path, data));
    if (f.path === input.entry) findings.push(...parameterValues(f.path, data, input.values));
    if (cfnLint) {
      const r = await runTool([cfnLint, '--format', 'json', '--', absolute(input, f.path)], { cwd: input.runDir, env: input.env });
      tools.push(r.timing);
      findings.push(...cfnLintFindings(f.path, r.stdout));
    }
  }
  return { findings, tools };
}

function structure(file: string, data: unknown): Finding[] {
  const err = (message: string): Finding => ({ severity: 'error', source: 'cloudformation', file, message });
  if (!isObject(data)) return [err('the template is not a mapping of sections')];
  const out: Finding[] = [];
  for (const k of Object.keys(data)) if (!SECTIONS.has(k)) out.push(err(`unknown top-level section "${k}"`));
  if (data.AWSTemplateFormatVersion !== undefined && String(data.AWSTemplateFormatVersion) !== '2010-09-09') out.push(err('AWSTemplateFormatVersion must be "2010-09-09"'));
  if (!isObject(data.Resources) || Object.keys(data.Resources).length === 0) out.push(err('the template needs a Resources section with at least one resource'));
  else for (const [id, r] of Object.entries(data.Resources)) if (!isObject(r) || typeof r.Type !== 'string') out.push(err(`resource "${id}" has no Type`));
  if (data.Parameters !== undefined && !isObject(data.Parameters)) out.push(err('Parameters must be a mapping'));
  else for (const [name, p] of Object.entries(data.Parameters ?? {})) if (!isObject(p) || typeof p.Type !== 'string') out.push(err(`template parameter "${name}" has no Type`));
  return out;
}

function parameterValues(file: string, data: unknown, values: ReadonlyMap<string, unknown>): Finding[] {
  const params = isObject(data) && isObject(data.Parameters) ? data.Parameters : {};
  const out: Finding[] = [];
  for (const [name, decl] of Object.entries(params)) {
    if (!isObject(decl)) continue;
    const supplied = values.get(name);
    const value = supplied !== undefined ? (Array.isArray(supplied) ? supplied.join(',') : String(supplied)) : decl.Default !== undefined ? String(decl.Default) : undefined;
    const err = (message: string): Finding => ({ severity: 'error', source: 'cloudformation', file, message: `template parameter "${name}" ${message}` });
    if (value === undefined) {
      out.push(err(`has no value: declare a playbook parameter "${name}" or give it a Default`));
      continue;
    }
    const problem = constraintProblem(decl, value);
    if (problem) out.push(err(problem));
  }
  return out;
}

function constraintProblem(decl: Record<string, unknown>, value: string): string | undefined {
  if (Array.isArray(decl.AllowedValues) && !decl.AllowedValues.map(String).includes(value)) return `must be one of ${decl.AllowedValues.map((a) => JSON.stringify(String(a))).join(', ')}`;
  if (typeof decl.AllowedPattern === 'string') {
    try {
      if (!new RegExp(`^(?:${decl.AllowedPattern})$`, 'u').test(value)) return `does not match its AllowedPattern ${decl.AllowedPattern}`;
    } catch {
      // A Java-only regular expression: cfn-lint and CloudFormation itself judge it.
    }
  }
  const len = [...value].length;
  if (typeof decl.MinLength === 'number' && len < decl.MinLength) return `must be at least ${decl.MinLength} characters long`;
  if (typeof decl.MaxLength === 'number' && len > decl.MaxLength) return `must be at most ${decl.MaxLength} characters long`;
  if (decl.Type === 'Number' || decl.MinValue !== undefined || decl.MaxValue !== undefined) {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) return 'must be a number';
    if (decl.MinValue !== undefined && n < Number(decl.MinValue)) return `must be at least ${String(decl.MinValue)}`;
    if (decl.MaxValue !== undefined && n > Number(decl.MaxValue)) return `must be at most ${String(decl.MaxValue)}`;
  }
  return undefined;
}

interface CfnLintMatch {
  Rule?: { Id?: string };
  Level?: string;
  Message?: string;
  Location?: { Start?: { LineNumber?: number; ColumnNumber?: number } };
}

function cfnLintFindings(file: string, stdout: string): Finding[] {
  let matches: CfnLintMatch[];
  try {
    matches = JSON.parse(stdout || '[]') as CfnLintMatch[];
  } catch {
    return [{ severity: 'warning', source: 'cfn-lint', file, message: `unreadable cfn-lint output: ${stdout.slice(0, 200)}` }];
  }
  return matches.map((m) => ({
    severity: m.Level === 'Error' ? 'error' : m.Level === 'Warning' ? 'warning' : 'info',
    source: 'cfn-lint',
    file,
    ...(m.Location?.Start?.LineNumber ? { line: m.Location.Start.LineNumber } : {}),
    ...(m.Location?.Start?.ColumnNumber ? { column: m.Location.Start.ColumnNumber } : {}),
    ...(m.Rule?.Id ? { code: m.Rule.Id } : {}),
    message: m.Message ?? '',
  }));
}

