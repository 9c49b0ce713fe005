import { runTool, which } from '../tools';
import { parseHclFiles } from './hcl-parser';
import type { Finding, ToolTiming } from '../types';
import { type PreflightInput, type PreflightOutput } from './preflight-types';

/**
 * Terraform: with terraform installed, `terraform fmt -check` (unformatted files are warnings),
 * then `init -backend=false` and `validate -json` (diagnostics as findings; when init cannot
 * fetch providers, e.g. offline, the HCL parse below stands in). Without terraform, every .tf
 * file is parsed by Terraform's own HCL parser (@cdktf/hcl2json, WASM, offline) for syntax
 * errors with file:line:column. Always: every declared variable without a default must get a
 * value (a playbook parameter of that name), or `plan` would stop asking for it.
 */
export async function terraformPreflight(input: PreflightInput): Promise<PreflightOutput> {
  const findings: Finding[] = [];
  const tools: ToolTiming[] = [];
  const dir = `${input.runDir}/terraform`;
  const terraform = which('terraform', input.env);
  let parsed = false;
  if (terraform) {
    const env = { ...input.env, TF_DATA_DIR: `${input.runDir}/.preflight-terraform`, TF_IN_AUTOMATION: '1' };
    const fmt = await runTool([terraform, `-chdir=${dir}`, 'fmt', '-check', '-list=true', '-no-color'], { cwd: input.runDir, env });
    tools.push(fmt.timing);
    for (const f of fmt.stdout.split('\n').filter(Boolean)) findings.push({ severity: 'warning', source: 'terraform fmt', file: `terraform/${f.trim()}`, message: 'not in canonical format (terraform fmt would change it)' });
    const init = await runTool([terraform, `-chdir=${dir}`, 'init', '-backend=false', '-input=false', '-no-color'], { cwd: input.runDir, env });
    tools.push(init.timing);
    if (init.code === 0) {
      const validate = await runTool([terraform, `-chdir=${dir}`, 'validate', '-json', '-no-color'], { cwd: input.runDir, env });
      tools.push(validate.timing);
      findings.push(...validateFindings(validate.stdout));
      parsed = true;
    } else {
      findings.push({ severity: 'warning', source: 'terraform validate', message: `terraform init failed, so only the HCL syntax was checked: ${lastLine(init.stderr || init.stdout)}` });
    }
  }
  if (!parsed) {
    const r = await hclParse(input);
    findings.push(...r.findings);
    if (r.timing) tools.push(r.timing);
  }
  findings.push(...missingVariables(input));
  return { findings, tools };
}

interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number; column: number } };
}

function validateFindings(stdout: string): Finding[] {
  let doc: { diagnostics?: Diagnostic[] };
  try {
    doc = JSON.parse(stdout) as { diagnostics?: Diagnostic[] };
  } catch {
    return [{ severity: 'warning', source: 'terraform validate', message: `unreadable output: ${stdout.slice(0, 200)}` }];
  }
  return (doc.diagnostics ?? []).map((d) => ({
    severity: d.severity === 'error' ? 'error' : 'warning',
    source: 'terraform validate',
    ...(d.range ? { file: `terraform/${d.range.filename}`, line: d.range.start.line, column: d.range.start.column } : {}),
    message: d.detail ? `${d.summary}: ${d.detail}` : d.summary,
  }));
}

async function hclParse(input: PreflightInput): Promise<{ findings: Finding[]; timing?: ToolTiming }> {
  const files = input.files.filter((f) => f.path.endsWith('.tf')).map((f) => ({ path: f.path, text: f.bytes.toString('utf8') }));
  if (files.length === 0) return { findings: [] };
  let parsed: Awaited<ReturnType<typeof parseHclFiles>>;
  try {
    parsed = await parseHclFiles(files);
  } catch (e) {
    return { findings: [{ severity: 'warning', source: 'hcl', message: `the HCL parser could not run (${(e as Error).message}): the Terraform files were not checked` }] };
  }
  const findings: Finding[] = [];
  for (const r of parsed.results) {
    if (!r.error) continue;
    // "parse config: [terraform/main.tf:2,7-3,1: Invalid expression; Expected …. terraform/main.tf:…]"
    const text = r.error.replace(/^.*?parse config: \[/, '').replace(/\]\s*$/, '');
    for (const part of text.split(/(?<=\.) (?=\S+\.tf:\d+,\d+)/)) {
      const m = /^(\S+\.tf):(\d+),(\d+)(?:-\S+)?: (.*)$/s.exec(part.trim());
      findings.push({ severity: 'error', source: 'hcl', file: m?.[1] ?? r.path, ...(m ? { line: Number(m[2]), column: Number(m[3]) } : {}), message: (m?.[4] ?? part).trim() });
    }
  }
  return { findings, timing: parsed.timing };
}

/** Variables declared without a default that nothing gives a value to. */
function missingVariables(input: PreflightInput): Finding[] {
  const findings: Finding[] = [];
  for (const f of input.files) {
    if (!f.path.endsWith('.tf')) continue;
    const text = f.bytes.toString('utf8');
    for (const m of text.matchAll(/^\s*variable\s+"([A-Za-z_][A-Za-z0-9_-]*)"\s*\{/gm)) {
      const body = blockBody(text, m.index + m[0].length);
      if (/^\s*default\s*=/m.test(body)) continue;
      const name = m[1]!;
      if (input.values.get(name) !== undefined || input.env[`TF_VAR_${name}`] !== undefined) continue;
      findings.push({
        severity: 'error',
        source: 'terraform variables',
        file: f.path,
        line: text.slice(0, m.index + m[0].indexOf('variable')).split('\n').length,
        message: `variable "${name}" has no default and no value: declare a playbook parameter "${name}" (or give the variable a default)`,
      });
    }
  }
  return findings;
}

/** The text of a `{ … }` block starting after its opening brace (strings and nested blocks skipped). */
function blockBody(text: string, from: number): string {
  let depth = 1;
  let i = from;
  let inString = false;
  for (; i < text.length && depth > 0; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
  }
  return text.slice(from, i - 1);
}

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}
