import * as path from 'node:path';
import { METADATA_FILE } from '../../core/playbook-store/layout';
import type { Severity } from '../../core/runner/types';
import type { FindingsReport } from './run-host';

/** One diagnostic for the Problems panel: a file of the store, 0-based position. */
export interface FindingLocation {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  message: string;
  source: string;
  code?: string;
}

/**
 * Where each preflight finding shows: on the playbook's own script file at its line (checkers
 * report on the rendered copy; the engine maps their lines back to the script). A finding about
 * no script, a generated file (tfvars, a parameters file) or a script stored encrypted (its file
 * on disk is ciphertext; the decrypted view is not a file) shows on the version's metadata.json,
 * naming the file in its message. Every file of the version is listed, so earlier findings on a
 * script that now has none are cleared.
 */
export function findingLocations(report: FindingsReport): Map<string, FindingLocation[]> {
  const metadata = path.join(report.versionDir, METADATA_FILE);
  const plain = new Set(report.scripts.filter((s) => !s.sensitive).map((s) => s.path));
  const out = new Map<string, FindingLocation[]>([[metadata, []], ...[...plain].map((p) => [path.join(report.versionDir, ...p.split('/')), []] as [string, FindingLocation[]])]);
  for (const f of report.findings) {
    const onScript = f.file !== undefined && plain.has(f.file);
    const file = onScript ? path.join(report.versionDir, ...f.file!.split('/')) : metadata;
    const message = !onScript && f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ${f.message}` : f.message;
    out.get(file)!.push({
      file,
      line: onScript && f.line ? f.line - 1 : 0,
      column: onScript && f.column ? f.column - 1 : 0,
      severity: f.severity,
      message,
      source: `Escher ${f.source}`,
      ...(f.code ? { code: f.code } : {}),
    });
  }
  return out;
}
