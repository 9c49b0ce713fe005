import { commandLine } from '../core/runner/quote';
import type { CheckReport } from '../core/runner/runner';
import type { Finding, RunPlan, RunRecord, RunSummary } from '../core/runner/types';
import { table } from './output';

/**
 * Human renderings for `run`, `check` and `runs` (their --json forms are the objects). They are
 * printed through Output (result/note), which makes every line terminal-safe (printable.ts): a
 * rendered script, a checker's message or a value cannot repaint the terminal or hide code
 * (bidirectional overrides) in what the confirmation shows.
 */
export function renderPlan(plan: RunPlan, options: { verbose: boolean; files: boolean }): string[] {
  const lines = [`${plan.playbookId} v${plan.version} (${plan.formats.join(', ')}) — ${plan.name}`, `  working folder: ${plan.cwd}`, '  scripts (verified against metadata.json):'];
  for (const s of plan.scripts) lines.push(`    ${s.path}  ${s.size} B  sha256 ${s.sha256}`);
  if (plan.values.length) {
    lines.push('  parameters:');
    const width = Math.max(...plan.values.map((v) => v.name.length));
    for (const v of plan.values) {
      const shown = v.hidden ? '(hidden)' : v.value === undefined ? '(none)' : JSON.stringify(v.value);
      lines.push(`    ${v.name.padEnd(width)} = ${shown}  (${v.source})`);
    }
  }
  lines.push(`  review: ${reviewLine(plan)}`);
  if (plan.steps.length) {
    lines.push(plan.mode === 'dry-run' ? '  a run would execute:' : plan.mode === 'preview' ? '  will run (preview only):' : '  will run:');
    for (const s of plan.steps) lines.push(`    $ ${commandLine(s.argv)}${s.confirm ? '   (asked first)' : ''}`);
  }
  lines.push(...renderFindings(plan.findings, options.verbose, plan.skipPreflight));
  if (options.files) {
    for (const f of plan.files) {
      lines.push('', `  --- ${f.path}${f.generated ? ' (generated)' : ''}  ${f.mode.toString(8)}  sha256 ${f.sha256}`);
      lines.push(...(f.display === undefined ? ['  (binary file)'] : f.display.replace(/\n$/, '').split('\n').map((l) => `  | ${l}`)));
    }
  }
  return lines;
}

function reviewLine(plan: RunPlan): string {
  const r = plan.review;
  if (r.status === null) return 'never published (no review needed)';
  if (!r.gated) return r.status;
  return r.overrideReason ? `${r.status} — running unreviewed because: ${r.overrideReason}` : `${r.status} — a real run needs --allow-unreviewed "<reason>"`;
}

export function renderFindings(findings: readonly Finding[], verbose: boolean, skipped = false): string[] {
  const shown = findings.filter((f) => verbose || f.severity !== 'info');
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const lines = [`  preflight${skipped ? ' (checkers skipped: --skip-preflight)' : ''}: ${count('error')} error(s), ${count('warning')} warning(s)${verbose ? '' : count('info') ? `, ${count('info')} note(s) (--verbose)` : ''}`];
  for (const f of shown) {
    const where = f.file ? `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''} ` : '';
    lines.push(`    ${f.severity.padEnd(7)} ${where}[${f.source}${f.code ? ` ${f.code}` : ''}] ${f.message}`);
  }
  return lines;
}

export function renderCheck(r: CheckReport, verbose: boolean): string[] {
  return [`${r.playbookId} v${r.version} (${r.formats.join(', ')})`, ...renderFindings(r.findings, verbose)];
}

export function renderRuns(records: readonly RunSummary[]): string[] {
  if (records.length === 0) return ['no runs'];
  return table(
    ['RUN', 'PLAYBOOK', 'VERSION', 'FORMAT', 'STATUS', 'EXIT', 'STARTED', 'DURATION'],
    records.map((r) => [r.run_id, r.playbook_id, r.version, r.formats.join(','), r.status, r.exit_code === null ? '-' : String(r.exit_code), r.started_at.replace('T', ' ').slice(0, 19), duration(r.duration_ms)]),
  );
}

export function renderRecord(r: RunRecord): string[] {
  const lines = [
    `run ${r.run_id}: ${r.status}${r.exit_code !== null ? ` (exit ${r.exit_code})` : ''}${r.signal ? ` (${r.signal})` : ''}`,
    `  playbook:  ${r.playbook_id} v${r.version} (${r.area}), ${r.formats.join(', ')}${r.entry ? ` ${r.entry}` : ''}${r.dry_run ? ', dry run' : r.mode === 'preview' ? ', preview' : ''}`,
    `  content:   metadata.json sha256 ${r.content_hash}`,
    ...r.scripts.map((s) => `             ${s.path} sha256 ${s.sha256}`),
    `  by:        ${r.user}@${r.host} in ${r.cwd} (consent: ${r.consent})`,
    `  started:   ${r.started_at}${r.ended_at ? `, ended ${r.ended_at} (${duration(r.duration_ms)})` : ''}`,
    `  review:    ${r.review.status ?? 'never published'}${r.review.override_reason ? ` — overridden: ${r.review.override_reason}` : ''}`,
  ];
  if (r.rerun_of) lines.push(`  re-run of: ${r.rerun_of}`);
  const params = Object.entries(r.parameters);
  if (params.length) lines.push('  parameters:', ...params.map(([k, v]) => `    ${k} = ${v.redacted ? '(redacted)' : v.value === undefined ? '(none)' : JSON.stringify(v.value)}  (${v.source})`));
  if (r.commands.length) lines.push('  commands:', ...r.commands.map((c) => `    $ ${c}`));
  lines.push(...renderFindings(r.preflight.findings, false, r.preflight.skipped));
  if (r.log) lines.push(`  log:       ${r.log.bytes} bytes${r.log.truncated ? ' (kept: first and last 512 KiB)' : ''} — \`escher-playbook runs show ${r.run_id} --log\``);
  return lines;
}

function duration(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}
