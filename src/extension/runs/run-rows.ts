import type { RunStatus, RunSummary } from '../../core/runner/types';
import { duration } from '../run/run-confirmation';
import { escapeMd } from '../tree/markdown';
import type { TreeIcon, TreeItemData } from '../tree/tree-item-data';

const STATUS_ICONS: Record<RunStatus, TreeIcon> = {
  succeeded: { kind: 'theme', id: 'pass', color: 'testing.iconPassed' },
  failed: { kind: 'theme', id: 'error', color: 'testing.iconFailed' },
  interrupted: { kind: 'theme', id: 'debug-disconnect', color: 'list.warningForeground' },
  running: { kind: 'theme', id: 'loading~spin' },
  declined: { kind: 'theme', id: 'circle-slash' },
  'dry-run': { kind: 'theme', id: 'eye' },
};

/**
 * One row of the Runs view: "<playbook> v<version>", then the outcome and when it started; the
 * icon says the status at a glance. Clicking opens the run's log. contextValue `run.<status>`
 * drives the menus (Run Again on every finished run).
 */
export function runRow(r: RunSummary, now: Date): TreeItemData {
  return {
    id: `run:${r.run_id}`,
    label: `${r.playbook_id} v${r.version}`,
    description: [outcome(r), startedAt(r.started_at, now)].join(' · '),
    icon: STATUS_ICONS[r.status] ?? { kind: 'theme', id: 'question' },
    contextValue: `run.${r.status}`,
    collapsible: 'none',
    command: { command: 'escher.showRunLog', title: 'Show Log', arguments: [{ run_id: r.run_id }] },
  };
}

/** "exit 0", "exit 2", "interrupted (SIGINT)", "running", "dry run". */
export function outcome(r: RunSummary): string {
  if (r.status === 'dry-run') return 'dry run';
  if (r.status === 'running') return 'running';
  if (r.status === 'interrupted') return r.signal ? `interrupted (${r.signal})` : 'interrupted';
  const code = r.exit_code !== null ? `exit ${r.exit_code}` : r.signal ? r.signal : r.status;
  return r.status === 'declined' ? `${code}, apply declined` : code;
}

/** "14:05" today, "Nov 28 14:05" before (local time): the view is not redrawn as time passes, so no "3 min ago". */
export function startedAt(iso: string, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === now.toDateString()) return hm;
  return `${d.toLocaleString('en-US', { month: 'short' })} ${d.getDate()}${d.getFullYear() === now.getFullYear() ? '' : ` ${d.getFullYear()}`} ${hm}`;
}

/** The row's hover (built when hovered). */
export function runTooltip(r: RunSummary): string {
  const lines = [
    `**${escapeMd(r.playbook_id)} v${escapeMd(r.version)}** — ${escapeMd(r.status)}${r.exit_code !== null ? `, exit code ${r.exit_code}` : ''}`,
    `Run ${escapeMd(r.run_id)} · ${escapeMd(r.formats.join(', '))}${r.mode !== 'run' ? ` · ${escapeMd(r.mode)}` : ''}`,
    `Started ${escapeMd(r.started_at)}${r.duration_ms !== null ? `, took ${duration(r.duration_ms)}` : ''}`,
    `In ${escapeMd(r.cwd)} by ${escapeMd(r.user)}@${escapeMd(r.host)}`,
  ];
  if (r.rerun_of) lines.push(`Re-run of ${escapeMd(r.rerun_of)}`);
  return lines.join('\n\n');
}
