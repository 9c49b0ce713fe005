import type { ParameterSpec } from '../../playbook-store/metadata';
import type { ParameterValue } from '../../playbook-store/parameter-values';
import { findPlaceholders, type Placeholder } from '../../playbook-store/placeholders';
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

/**
 * Replaces each placeholder of `text` with what `fill` returns for it and its context; `fill`
 * returns `{ refuse }` to leave a placeholder as it is with an error finding at its line.
 */
export function fillPlaceholders<C>(
  file: string,
  text: string,
  contextsOf: (text: string, spans: readonly Placeholder[]) => C[],
  fill: (ph: Placeholder, context: C) => string | { refuse: string } | undefined,
): { text: string; findings: Finding[] } {
  const placeholders = findPlaceholders(text);
  if (placeholders.length === 0) return { text, findings: [] };
  const contexts = contextsOf(text, placeholders);
  const findings: Finding[] = [];
  let out = '';
  let at = 0;
  placeholders.forEach((ph, k) => {
    out += text.slice(at, ph.start);
    at = ph.end;
    const r = fill(ph, contexts[k]!);
    if (typeof r === 'string') out += r;
    else {
      if (r) findings.push(finding(file, ph.line, `{{${ph.name}}} ${r.refuse}`));
      out += text.slice(ph.start, ph.end);
    }
  });
  return { text: out + text.slice(at), findings };
}
