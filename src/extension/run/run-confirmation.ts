import { commandLine } from '../../core/runner/quote';
import type { Finding, RunPlan, RunRecord } from '../../core/runner/types';
import { printable } from '../../core/shared/printable';

/**
 * What the confirmation dialog shows before a run, from the plan alone: the exact commands, the
 * working folder, every script's SHA-256 as verified just now, the values and where each came
 * from (a sensitive one only as hidden), the review status and the preflight result. Every line
 * is made printable: names, values and checker messages come from files nobody here controls, and
 * a bidirectional override or a line break in them must not change what the user reads.
 */
export function confirmationMessage(plan: RunPlan): string {
  return printable(`Run "${plan.name}" (${plan.playbookId} v${plan.version}, ${plan.formats.join(', ')})?`);
}

export function confirmationDetail(plan: RunPlan): string {
  const lines = ['Will run:', ...plan.steps.map((s) => `  $ ${commandLine(s.argv)}${s.confirm ? '   (asked again first)' : ''}`), `Working folder: ${plan.cwd}`, 'Scripts (SHA-256, verified just now):'];
  for (const s of plan.scripts) lines.push(`  ${s.path}  ${s.sha256}`);
  if (plan.values.length) {
    lines.push('Parameters:');
    for (const v of plan.values) lines.push(`  ${v.name} = ${v.hidden ? '(hidden)' : v.value === undefined ? '(none)' : JSON.stringify(v.value)}  (${v.source})`);
  }
  lines.push(`Review: ${reviewLine(plan)}`);
  lines.push(...findingLines(plan.findings, plan.skipPreflight));
  return lines.map((l) => printable(l)).join('\n');
}

function reviewLine(plan: RunPlan): string {
  const r = plan.review;
  if (r.status === null) return 'never published (no review needed)';
  if (!r.gated) return r.status;
  return `${r.status} — it has not been approved: running it needs a reason, which is recorded`;
}

const SHOWN_FINDINGS = 8;

export function findingLines(findings: readonly Finding[], skipped = false): string[] {
  const shown = findings.filter((f) => f.severity !== 'info');
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const lines = [`Preflight${skipped ? ' (checkers skipped)' : ''}: ${count('error')} error(s), ${count('warning')} warning(s)`];
  for (const f of shown.slice(0, SHOWN_FINDINGS)) lines.push(`  ${f.severity} ${findingPlace(f)}[${f.source}${f.code ? ` ${f.code}` : ''}] ${f.message}`);
  if (shown.length > SHOWN_FINDINGS) lines.push(`  … and ${shown.length - SHOWN_FINDINGS} more in the Problems panel`);
  return lines;
}

export function findingPlace(f: Finding): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''} ` : '';
}

/** The line the terminal ends with, and the notification's text. */
export function runSummary(r: RunRecord): string {
  const took = r.duration_ms === null ? '' : ` in ${duration(r.duration_ms)}`;
  const exit = r.exit_code !== null ? ` (exit ${r.exit_code})` : r.signal ? ` (${r.signal})` : '';
  return `Run ${r.run_id} of ${r.playbook_id} v${r.version} ${r.status}${exit}${took}`;
}

/** "61 ms", "1.2 s". */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The code the terminal closes with: the last command's, else 130 for an interrupted run. */
export function terminalExitCode(r: RunRecord): number {
  if (r.exit_code !== null) return r.exit_code;
  return r.status === 'interrupted' || r.signal ? 130 : r.status === 'succeeded' || r.status === 'declined' ? 0 : 1;
}
