import type { ScriptFormat } from '../../core/playbook-store/metadata';
import type { PlaybookRunner } from '../../core/runner/runner';
import type { RunPlan, RunRecord, RunRequest } from '../../core/runner/types';
import type { CommandContext } from '../commands/command-context';
import { playbookFromArgOrPick } from '../commands/playbook-ref';
import { pickRun } from '../runs/show-run-log';
import { askParameters } from './parameter-form';
import { confirmationDetail, confirmationMessage, findingPlace } from './run-confirmation';
import type { RunHost } from './run-host';
import { chooseEntry, chooseFormat, chooseWorkingFolder } from './run-choices';
import { executeInTerminal } from './run-terminal-execution';
import { runIdFromArg, type RunTarget, runTargetFromArg } from './run-target';

export const RESTRICTED_MODE_MESSAGE = 'Running playbooks is disabled in Restricted Mode: trust this workspace to run them.';

export type RunOutcome = { outcome: 'ran'; record: RunRecord } | { outcome: 'refused' | 'cancelled' | 'blocked' };

/**
 * Run Playbook…: which playbook (the row, lens, search result or script it was invoked on, else a
 * pick) → its format and entry script when there is a choice → verify → the parameter form →
 * render and preflight → the confirmation with the exact commands → (a playbook pending review:
 * the reason, in a second dialog) → the run in a terminal, recorded in the journal.
 *
 * Refused in Restricted Mode here, not only by the menus' `when` clauses: a code lens, a
 * keybinding or another extension can invoke the command directly.
 */
export async function runPlaybookFlow(ctx: CommandContext, host: RunHost, arg: unknown): Promise<RunOutcome> {
  if (await refuseUntrusted(ctx)) return { outcome: 'refused' };
  const svc = await ctx.service();
  const target: RunTarget | undefined = runTargetFromArg(arg, svc.config.playbooksDir) ?? (await playbookFromArgOrPick(ctx, undefined, { title: 'Run Playbook' }));
  if (!target) return { outcome: 'cancelled' };
  const pb = await svc.store.getPlaybook(target.playbookId, target.version);
  const format: ScriptFormat | undefined = (target.script?.split('/')[0] as ScriptFormat | undefined) ?? (await chooseFormat(ctx, pb));
  if (!format) return { outcome: 'cancelled' };
  const script = target.script ?? (await chooseEntry(ctx, pb, format));
  if (script === null) return { outcome: 'cancelled' };
  const cwd = await chooseWorkingFolder(ctx);
  if (!cwd) return { outcome: 'cancelled' };
  const request: RunRequest = { playbookId: pb.metadata.playbook_id, version: pb.metadata.version, format, ...(script ? { script } : {}), mode: 'run', cwd, values: { useLast: true } };
  return runRequestFlow(ctx, host, request);
}

/** Run Again: the recorded run's version, format, script, working folder and values (sensitive ones asked again). */
export async function runAgainFlow(ctx: CommandContext, host: RunHost, arg: unknown): Promise<RunOutcome> {
  if (await refuseUntrusted(ctx)) return { outcome: 'refused' };
  const runner = await host.runner();
  const runId = runIdFromArg(arg) ?? (await pickRun(ctx, runner.journal, 'Run Again'));
  if (!runId) return { outcome: 'cancelled' };
  return runRequestFlow(ctx, host, await runner.rerunRequest(runId));
}

async function runRequestFlow(ctx: CommandContext, host: RunHost, request: RunRequest): Promise<RunOutcome> {
  const runner = await host.runner();
  const id = request.playbookId;
  const prepared = await ctx.ui.withProgress(`Verifying ${id}…`, () => runner.prepare(request));
  const answers = await askParameters(ctx.ui, prepared.params, prepared.values, `Run ${prepared.playbook.metadata.name}`);
  if (!answers) return { outcome: 'cancelled' };
  const plan = await ctx.ui.withProgress(`Checking ${id} before it runs…`, () => runner.plan(prepared, answers));
  let handedOver = false;
  try {
    host.showFindings({ versionDir: prepared.playbook.dir, scripts: prepared.playbook.metadata.scripts, findings: plan.findings });
    if (await refusePreflight(ctx, plan)) return { outcome: 'blocked' };
    const ok = await ctx.ui.confirm(confirmationMessage(plan), { detail: confirmationDetail(plan), confirm: plan.review.gated ? 'Run Unreviewed…' : 'Run' });
    if (!ok) return { outcome: 'cancelled' };
    if (plan.review.gated && !(await askReason(ctx, runner, plan))) return { outcome: 'cancelled' };
    handedOver = true;
    const record = await executeInTerminal(ctx, runner, plan);
    host.runEnded(record);
    return { outcome: 'ran', record };
  } finally {
    if (!handedOver) await runner.discard(plan);
  }
}

async function refuseUntrusted(ctx: CommandContext): Promise<boolean> {
  if (ctx.ui.isTrusted()) return false;
  const choice = await ctx.ui.error(RESTRICTED_MODE_MESSAGE, 'Manage Workspace Trust');
  if (choice === 'Manage Workspace Trust') await ctx.ui.executeCommand('workbench.trust.manage');
  return true;
}

/** Preflight errors stop the run before the confirmation: they are in the Problems panel, on the scripts. */
async function refusePreflight(ctx: CommandContext, plan: RunPlan): Promise<boolean> {
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return false;
  const first = errors[0]!;
  const choice = await ctx.ui.error(
    `${plan.playbookId} v${plan.version} did not pass its checks (${errors.length} error${errors.length === 1 ? '' : 's'}), so nothing ran: ${findingPlace(first)}${first.message}`,
    'Show Problems',
  );
  if (choice === 'Show Problems') await ctx.ui.executeCommand('workbench.actions.view.problems');
  return true;
}

/** The second dialog of the review gate: why it must run before review. The reason goes into the record. */
async function askReason(ctx: CommandContext, runner: PlaybookRunner, plan: RunPlan): Promise<boolean> {
  const reason = await ctx.ui.input({
    title: `Run ${plan.playbookId} unreviewed`,
    prompt: `${plan.playbookId} is ${plan.review.status === 'rejected' ? 'rejected' : 'pending review'}. Why must it run now? The reason is recorded with the run.`,
    placeholder: 'e.g. outage INC-42, reviewer on leave',
    validate: (v) => (v.trim() === '' ? 'A reason is required to run it unreviewed' : v.length > 1000 ? 'At most 1,000 characters' : undefined),
  });
  if (reason === undefined) return false;
  runner.allowUnreviewed(plan, reason);
  return plan.blockers.length === 0;
}
