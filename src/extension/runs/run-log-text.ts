import { stripVTControlCharacters } from 'node:util';
import type { RunRecord } from '../../core/runner/types';
import { printable } from '../../core/shared/printable';
import { duration, findingLines } from '../run/run-confirmation';

export const RUN_LOG_SCHEME = 'escher-run';

/** The read-only document of a run: `escher-run:/<run id>.log`. */
export function runLogUri(runId: string): string {
  return `${RUN_LOG_SCHEME}:/${runId}.log`;
}

export function runIdOfLogPath(uriPath: string): string | undefined {
  const m = /^\/([0-9a-z-]{4,40})\.log$/.exec(uriPath);
  return m?.[1];
}


/**
 * A run as a document: what ran, where, with which values (sensitive ones redacted in the record
 * itself), the review status and any override reason, the preflight result — then the captured
 * output (masked by the engine, capped at 1 MiB). Terminal control sequences (colours, cursor
 * moves: meaningless in a document) are removed and
 * anything else unprintable shown as an escape, so the document shows what the program printed.
 */
export function runLogText(r: RunRecord, log: Buffer | undefined): string {
  const lines = [
    `Run ${r.run_id}: ${r.status}${r.exit_code !== null ? ` (exit ${r.exit_code})` : ''}${r.signal ? ` (${r.signal})` : ''}`,
    `Playbook:       ${r.playbook_id} v${r.version} (${r.area}), ${r.formats.join(', ')}${r.entry ? ` ${r.entry}` : ''}${r.dry_run ? ', dry run' : r.mode === 'preview' ? ', preview' : ''}`,
    `Content:        metadata.json sha256 ${r.content_hash}`,
    ...r.scripts.map((s) => `                ${s.path} sha256 ${s.sha256}`),
    `Working folder: ${r.cwd}`,
    `By:             ${r.user}@${r.host} (consent: ${r.consent})`,
    `Started:        ${r.started_at}${r.ended_at ? `, ended ${r.ended_at}` : ''}${r.duration_ms !== null ? ` (${duration(r.duration_ms)})` : ''}`,
    `Review:         ${r.review.status ?? 'never published'}${r.review.override_reason ? ` — run unreviewed because: ${r.review.override_reason}` : ''}`,
  ];
  if (r.rerun_of) lines.push(`Re-run of:      ${r.rerun_of}`);
  const params = Object.entries(r.parameters);
  if (params.length) lines.push('Parameters:', ...params.map(([k, v]) => `  ${k} = ${v.redacted ? '(redacted)' : v.value === undefined ? '(none)' : JSON.stringify(v.value)}  (${v.source})`));
  if (r.commands.length) lines.push('Commands:', ...r.commands.map((c) => `  $ ${c}`));
  lines.push(...findingLines(r.preflight.findings, r.preflight.skipped));
  const head = lines.map((l) => printable(l)).join('\n');
  const output = log === undefined ? (r.status === 'running' ? '(still running: the output is written when the run ends)' : '(no output was captured)') : printable(stripVTControlCharacters(log.toString('utf8').replace(/\r\n/g, '\n')), { multiline: true });
  const capped = r.log?.truncated ? ' — capped: the first and last 512 KiB' : '';
  return `${head}\n\n── output (stdout and stderr as they came, sensitive values masked${capped}) ──\n${output}`;
}
