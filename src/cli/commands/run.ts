import type { Command } from 'commander';
import { SCRIPT_FORMATS, type ScriptFormat } from '../../core/playbook-store/metadata';
import type { RunSink } from '../../core/runner/execute';
import type { PreparedRun } from '../../core/runner/prepare';
import type { PlaybookRunner } from '../../core/runner/runner';
import type { RunPlan, RunRecord, RunRequest } from '../../core/runner/types';
import { EscherError, ValidationError } from '../../core/shared/errors';
import { printable } from '../../core/shared/printable';
import { choice, collect } from '../args';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { createRunner } from '../runner-context';
import { suppliedValues, type ValueOptions } from '../run-values';
import { renderPlan } from '../run-view';
import { promptHidden } from '../prompt';
import { confirm, isInteractive, promptLine } from '../terminal';

interface RunOptions extends ValueOptions {
  version?: string;
  format?: ScriptFormat;
  script?: string;
  cwd?: string;
  dryRun?: boolean;
  preview?: boolean;
  yes?: boolean;
  allowUnreviewed?: string;
  skipPreflight?: boolean;
  rerun?: string;
  lastValues?: boolean;
}

/**
 * run ID: verify → values (flags, params file, last values, defaults; asked for on a terminal)
 * → render into a private run folder → preflight → show the exact commands → confirm (or --yes)
 * → run in the working folder → record. See docs/cli.md for the format matrix and exit codes.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run a playbook: verify, fill in parameters, preflight, confirm, run, record')
    .argument('[id]', 'playbook id (omit with --rerun)')
    .option('--version <version>', 'a specific version (default: the latest)')
    .option('--format <format>', `which scripts to run when there are several: ${SCRIPT_FORMATS.join('|')}`, choice(SCRIPT_FORMATS))
    .option('--script <path>', 'the script to run when the format has several (e.g. shell/stop.sh)')
    .option('--param <NAME=VALUE>', 'a parameter value (repeatable); for sensitive ones prefer --param-env / --param-stdin', collect)
    .option('--params-file <file>', 'parameter values from a JSON or YAML mapping')
    .option('--param-env <NAME=ENVVAR>', 'take a value from an environment variable (repeatable)', collect)
    .option('--param-stdin <name>', 'read one value from stdin')
    .option('--cwd <dir>', 'working folder of the run (default: the current folder; never the store)')
    .option('--dry-run', 'verify, render, preflight and print the commands and rendered files; nothing runs')
    .option('--preview', "run only the tool's read-only preview (terraform init+plan, aws validate-template, az what-if)")
    .option('--yes', 'do not ask for confirmation (also before terraform apply / deploy)')
    .option('--allow-unreviewed <reason>', 'run a playbook whose review is pending or rejected; the reason is recorded')
    .option('--skip-preflight', 'run even if the checkers (bash -n, shellcheck, py_compile, terraform, cfn-lint) report errors; recorded')
    .option('--rerun <run-id>', 'run a recorded run again: same version, format, folder and values (sensitive ones asked again)')
    .option('--no-last-values', 'do not fill values from the last run of this playbook on this machine')
    .action(async (id: string | undefined, o: RunOptions) => {
      if (o.dryRun && o.preview) throw new ValidationError('--dry-run and --preview exclude each other', [], { hint: '--dry-run runs nothing; --preview runs only the read-only preview' });
      const runner = await createRunner(ctx);
      const request = await buildRequest(runner, ctx, id, o);
      const prepared = await runner.prepare(request);
      for (const t of request.values?.text ?? []) {
        if (t.source === 'flag' && prepared.params.find((p) => p.name === t.name)?.sensitive) ctx.out.warn(`"${t.name}" is sensitive: on the command line other users can see it (ps); use --param-env or --param-stdin`);
      }
      const answers = await askMissing(prepared, o.paramStdin !== undefined);
      const plan = await runner.plan(prepared, answers);
      await runPlan(runner, ctx, plan, o);
    });
}

async function buildRequest(runner: PlaybookRunner, ctx: CliContext, id: string | undefined, o: RunOptions): Promise<RunRequest> {
  const supplied = await suppliedValues(o, ctx.env);
  const mode = o.dryRun ? 'dry-run' : o.preview ? 'preview' : 'run';
  const common = { mode, ...(o.skipPreflight ? { skipPreflight: true } : {}), ...(o.allowUnreviewed !== undefined ? { allowUnreviewed: o.allowUnreviewed } : {}) } as const;
  if (o.rerun !== undefined) {
    const base = await runner.rerunRequest(o.rerun);
    if (id !== undefined && id !== base.playbookId) throw new ValidationError(`Run ${o.rerun} is of ${base.playbookId}, not ${id}`);
    return { ...base, ...common, ...(o.cwd ? { cwd: o.cwd } : {}), values: { ...base.values, ...supplied } };
  }
  if (id === undefined) throw new ValidationError('Which playbook?', [], { hint: 'give its id (`escher-playbook run ID`), or --rerun RUN_ID' });
  return {
    playbookId: id,
    ...(o.version ? { version: o.version } : {}),
    ...(o.format ? { format: o.format } : {}),
    ...(o.script ? { script: o.script } : {}),
    ...(o.cwd ? { cwd: o.cwd } : {}),
    ...common,
    values: { ...supplied, useLast: o.lastValues !== false },
  };
}

/** On a terminal, asks for each required value still missing (sensitive ones without echo). */
async function askMissing(prepared: PreparedRun, stdinUsed: boolean): Promise<Array<{ name: string; text: string }>> {
  if (prepared.missing.length === 0 || stdinUsed || !isInteractive()) return [];
  const answers: Array<{ name: string; text: string }> = [];
  for (const p of prepared.missing) {
    // Written by readline or the hidden prompt, not through Output: made terminal-safe here.
    const label = printable(`${p.name} (${p.type}${p.allowed_values ? `: ${p.allowed_values.join(', ')}` : ''})${p.description ? ` — ${p.description}` : ''}: `);
    // promptHidden exits 130 itself on Ctrl-C (nothing has been written yet).
    const text = p.sensitive ? await promptHidden(label) : await promptLine(label);
    if (text === undefined) throw new EscherError('CANCELLED', 'Cancelled: nothing ran');
    answers.push({ name: p.name, text });
  }
  return answers;
}

async function runPlan(runner: PlaybookRunner, ctx: CliContext, plan: RunPlan, o: RunOptions): Promise<void> {
  const verbose = ctx.globals().verbose === true;
  if (plan.mode === 'dry-run') {
    await runner.execute(plan, { write: () => undefined, note: () => undefined }, { consent: 'none' });
    ctx.out.result(plan, () => renderPlan(plan, { verbose, files: true }));
    return;
  }
  let handedOver = false;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  try {
    ctx.out.note(renderPlan(plan, { verbose, files: false }).join('\n'));
    let consent = 'none';
    if (plan.blockers.length === 0) {
      if (o.yes) consent = '--yes';
      else if (!isInteractive()) throw new ValidationError('run asks for confirmation, and there is no terminal to ask', [], { hint: 'read the plan (--dry-run), then pass --yes' });
      else if (await confirm(printable(`Run ${plan.playbookId} v${plan.version} (${plan.formats.join(', ')}) in ${plan.cwd}?`))) consent = 'prompt';
      else throw new EscherError('CANCELLED', 'Not confirmed: nothing ran');
    }
    if (controller.signal.aborted) throw new EscherError('CANCELLED', 'Interrupted: nothing ran');
    handedOver = true;
    const record = await runner.execute(plan, cliSink(ctx, o.paramStdin !== undefined), {
      consent,
      signal: controller.signal,
      confirmStep: (step) => (o.yes ? Promise.resolve(true) : isInteractive() ? confirm(printable(step.confirm ?? `Run ${step.title}?`)) : Promise.resolve(false)),
    });
    finish(ctx, record);
  } finally {
    process.off('SIGINT', onSigint);
    if (!handedOver) await runner.discard(plan);
  }
}

function cliSink(ctx: CliContext, stdinUsed: boolean): RunSink {
  // With --json, stdout carries only the final record: the commands' own output goes to stderr.
  return {
    write: (text, stream) => (ctx.out.json || stream === 'stderr' ? process.stderr : process.stdout).write(text),
    note: (text) => ctx.out.note(`escher: ${text}`),
    stdin: stdinUsed ? 'ignore' : 'inherit',
  };
}

function finish(ctx: CliContext, r: RunRecord): void {
  const took = r.duration_ms === null ? '' : ` in ${(r.duration_ms / 1000).toFixed(1)} s`;
  ctx.out.note(`escher: run ${r.run_id} ${r.status}${r.exit_code !== null ? ` (exit ${r.exit_code})` : ''}${took} — \`escher-playbook runs show ${r.run_id} --log\``);
  ctx.exitCode = r.status === 'succeeded' ? EXIT.OK : r.status === 'failed' ? EXIT.RUN_FAILED : EXIT.CANCELLED;
  ctx.out.result(r, () => []);
}
