import { runTool, which } from '../tools';
import type { Finding } from '../types';
import { absolute, type PreflightInput, type PreflightOutput } from './preflight-types';
import { pythonCompile } from './python';

/**
 * Shell: `<shell> -n` (the script's own shell when it is installed, else bash) for syntax, then
 * shellcheck when installed (errors stop the run, warnings are shown, style notes are info).
 * Scripts whose shebang runs Python are compiled like Python scripts.
 */
const SYNTAX_SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh']);
const SHELLCHECK_DIALECT: Record<string, string> = { sh: 'sh', dash: 'dash', ash: 'sh', bash: 'bash', ksh: 'ksh', mksh: 'ksh' };

export async function shellPreflight(input: PreflightInput): Promise<PreflightOutput> {
  const findings: Finding[] = [];
  const tools: PreflightOutput['tools'] = [];
  const shellcheck = which('shellcheck', input.env);
  for (const f of input.files) {
    const interp = input.interpreters.get(f.path);
    if (!interp || interp.family === 'other') continue;
    if (interp.family === 'python') {
      const r = await pythonCompile(input, f.path);
      findings.push(...r.findings);
      tools.push(...r.tools);
      continue;
    }
    const shell = SYNTAX_SHELLS.has(interp.program) && which(interp.program, input.env) ? interp.program : 'bash';
    const syntax = await runTool([shell, '-n', absolute(input, f.path)], { cwd: input.runDir, env: input.env });
    tools.push(syntax.timing);
    if (syntax.spawnError) findings.push({ severity: 'error', source: `${shell} -n`, file: f.path, message: `cannot check the syntax: ${syntax.spawnError}` });
    for (const line of syntax.stderr.split('\n').filter(Boolean)) {
      const m = /:\s*(?:line\s+)?(\d+):\s*(.*)$/.exec(line);
      findings.push({ severity: 'error', source: `${shell} -n`, file: f.path, ...(m ? { line: Number(m[1]) } : {}), message: (m ? m[2]! : line).trim() });
    }
    const dialect = SHELLCHECK_DIALECT[interp.program];
    if (shellcheck && dialect) {
      const r = await runTool([shellcheck, '-f', 'json1', '-s', dialect, absolute(input, f.path)], { cwd: input.runDir, env: input.env });
      tools.push(r.timing);
      findings.push(...shellcheckFindings(f.path, r.stdout));
    }
  }
  if (!shellcheck && input.files.some((f) => input.interpreters.get(f.path)?.family === 'shell')) {
    findings.push({ severity: 'info', source: 'shellcheck', message: 'shellcheck is not installed: only the syntax was checked (apt-get install shellcheck)' });
  }
  return { findings, tools };
}

interface ShellcheckComment {
  line: number;
  column: number;
  level: 'error' | 'warning' | 'info' | 'style';
  code: number;
  message: string;
}

function shellcheckFindings(file: string, stdout: string): Finding[] {
  let parsed: { comments?: ShellcheckComment[] };
  try {
    parsed = JSON.parse(stdout) as { comments?: ShellcheckComment[] };
  } catch {
    return stdout.trim() ? [{ severity: 'warning', source: 'shellcheck', file, message: `unreadable shellcheck output: ${stdout.slice(0, 200)}` }] : [];
  }
  return (parsed.comments ?? []).map((c) => ({
    severity: c.level === 'error' ? 'error' : c.level === 'warning' ? 'warning' : 'info',
    source: 'shellcheck',
    file,
    line: c.line,
    column: c.column,
    code: `SC${c.code}`,
    message: c.message,
  }));
}
