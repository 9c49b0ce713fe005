import type { ScriptFormat } from '../../playbook-store/metadata';
import { findPlaceholders } from '../../playbook-store/placeholders';
import type { Finding } from '../types';
import { renderArm } from './arm';
import { renderPython } from './python';
import { finding, type OutFile, type RenderValues, type SourceScript } from './render-types';
import { renderShell } from './shell';
import { type Interpreter, interpreterOf } from './shebang';
import { renderTerraform } from './terraform';

/** Everything one format renders into the run folder, plus what preflight and the commands need to know. */
export interface FormatRender {
  files: OutFile[];
  findings: Finding[];
  /** CloudFormation / ARM templates as data, by path. */
  templates: Map<string, unknown>;
  /** Shell-folder scripts: what their shebang runs. */
  interpreters: Map<string, Interpreter>;
}

export async function renderFormat(format: ScriptFormat, scripts: readonly SourceScript[], v: RenderValues, options: { entry?: string; statePath: string }): Promise<FormatRender> {
  const empty = { templates: new Map<string, unknown>(), interpreters: new Map<string, Interpreter>() };
  switch (format) {
    case 'shell':
      return renderShellFolder(scripts, v);
    case 'python':
      return { ...renderEach(scripts, 0o600, (s) => renderPython(s.path, s.text!, v)), ...empty };
    case 'terraform':
      return { ...renderTerraform(scripts, v, options.statePath), ...empty };
    case 'cloudformation': {
      // Loaded only for CloudFormation: the YAML parser is a quarter of a megabyte of code.
      const { renderCloudFormation } = await import('./cloudformation.js');
      return { ...renderCloudFormation(scripts, v, options.entry), interpreters: empty.interpreters };
    }
    case 'arm':
      return { ...renderArm(scripts, v, options.entry), interpreters: empty.interpreters };
  }
}

function renderShellFolder(scripts: readonly SourceScript[], v: RenderValues): FormatRender {
  const interpreters = new Map<string, Interpreter>();
  const r = renderEach(scripts, 0o700, (s) => {
    const interp = interpreterOf(s.text);
    interpreters.set(s.path, interp);
    if (interp.family === 'shell') return renderShell(s.path, s.text!, v);
    if (interp.family === 'python') return renderPython(s.path, s.text!, v);
    const first = findPlaceholders(s.text!)[0];
    const findings = first
      ? [finding(s.path, first.line, `{{${first.name}}} cannot be filled safely in a script run by ${interp.program}: read the value from $ESCHER_PARAM_${first.name.toUpperCase()} instead`)]
      : [];
    return { text: s.text!, findings };
  });
  return { ...r, templates: new Map(), interpreters };
}

function renderEach(scripts: readonly SourceScript[], mode: number, render: (s: SourceScript) => { text: string; findings: Finding[] }): { files: OutFile[]; findings: Finding[] } {
  const files: OutFile[] = [];
  const findings: Finding[] = [];
  for (const s of scripts) {
    if (s.text === undefined) {
      files.push({ path: s.path, bytes: s.bytes, mode, generated: false });
      continue;
    }
    const r = render(s);
    findings.push(...r.findings);
    files.push({ path: s.path, bytes: Buffer.from(r.text, 'utf8'), mode, generated: false });
  }
  return { files, findings };
}
