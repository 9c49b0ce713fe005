import type { ParameterSpec } from '../../playbook-store/metadata';
import type { ParameterValue } from '../../playbook-store/parameter-values';
import type { Finding } from '../types';

/** What every format's renderer gets: the declarations and the one effective value of each parameter. */
export interface RenderValues {
  params: ReadonlyMap<string, ParameterSpec>;
  /** undefined: the parameter has no value (empty text, null, None — as the format says). */
  values: ReadonlyMap<string, ParameterValue | undefined>;
}

/** A file for the run folder. */
export interface OutFile {
  /** "/"-separated, relative to the run folder. */
  path: string;
  bytes: Buffer;
  /** 0o700 for what is executed directly, else 0o600. */
  mode: number;
  generated: boolean;
}

export interface RenderResult {
  files: OutFile[];
  findings: Finding[];
}

/** One script of the version, verified, as plaintext. */
export interface SourceScript {
  path: string;
  bytes: Buffer;
  /** undefined when the bytes are not UTF-8. */
  text: string | undefined;
}

export function finding(file: string, line: number | undefined, message: string, severity: Finding['severity'] = 'error', source = 'render'): Finding {
  return { severity, source, file, ...(line !== undefined ? { line } : {}), message };
}
