import type { Interpreter } from '../render/shebang';
import type { OutFile } from '../render/render-types';
import type { Finding, ToolTiming } from '../types';

/** What a format's preflight gets: the rendered files (already in the run folder) and the run's environment. */
export interface PreflightInput {
  runDir: string;
  env: NodeJS.ProcessEnv;
  files: readonly OutFile[];
  interpreters: ReadonlyMap<string, Interpreter>;
  entry: string | undefined;
  /** Every parameter's value, by name (undefined: none). */
  values: ReadonlyMap<string, unknown>;
}

export interface PreflightOutput {
  findings: Finding[];
  tools: ToolTiming[];
}

export function absolute(input: PreflightInput, file: string): string {
  return `${input.runDir}/${file}`;
}

/** Rewrites a path the checker printed (the run folder's copy) into the playbook's own ("shell/x.sh"). */
export function storePath(input: PreflightInput, printed: string): string {
  return printed.startsWith(input.runDir + '/') ? printed.slice(input.runDir.length + 1) : printed;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
