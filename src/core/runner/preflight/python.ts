import { runTool } from '../tools';
import type { Finding } from '../types';
import { absolute, type PreflightInput, type PreflightOutput } from './preflight-types';

/** Python: `python3 -m py_compile` on every rendered .py file (bytecode goes to a cache folder of the run, not beside the script). */
export async function pythonPreflight(input: PreflightInput): Promise<PreflightOutput> {
  const out: PreflightOutput = { findings: [], tools: [] };
  for (const f of input.files) {
    if (!f.path.endsWith('.py')) continue;
    const r = await pythonCompile(input, f.path);
    out.findings.push(...r.findings);
    out.tools.push(...r.tools);
  }
  return out;
}

export async function pythonCompile(input: PreflightInput, file: string): Promise<PreflightOutput> {
  const env = { ...input.env, PYTHONPYCACHEPREFIX: `${input.runDir}/.pycache` };
  const r = await runTool(['python3', '-m', 'py_compile', absolute(input, file)], { cwd: input.runDir, env });
  const findings: Finding[] = [];
  if (r.spawnError) findings.push({ severity: 'error', source: 'py_compile', file, message: `cannot compile: ${r.spawnError}` });
  else if (r.code !== 0) {
    const lines = r.stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean);
    const line = /line (\d+)/.exec(r.stderr)?.[1];
    findings.push({ severity: 'error', source: 'py_compile', file, ...(line ? { line: Number(line) } : {}), message: lines[lines.length - 1] ?? `python3 exited ${r.code}` });
  }
  return { findings, tools: [r.timing] };
}
