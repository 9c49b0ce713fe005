import type { RunSink } from '../../core/runner/execute';
import { commandLine } from '../../core/runner/quote';
import type { PlaybookRunner } from '../../core/runner/runner';
import type { RunPlan, RunRecord } from '../../core/runner/types';
import { printable } from '../../core/shared/printable';
import type { CommandContext } from '../commands/command-context';
import { describe } from '../commands/error-actions';
import { runSummary, terminalExitCode } from './run-confirmation';

const DIM = '\x1b[2m';
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/**
 * Executes a confirmed plan in a terminal of its own: the commands' output (masked by the engine)
 * goes in, what the user types goes to their stdin, Ctrl-C or closing the terminal interrupts the
 * run (SIGINT to its process group). The engine journals the run before the first process starts
 * and after the last one ends; the terminal closes with the exit code on the next key.
 */
export async function executeInTerminal(ctx: CommandContext, runner: PlaybookRunner, plan: RunPlan): Promise<RunRecord> {
  const term = ctx.ui.openRunTerminal(printable(`Escher: ${plan.playbookId}`));
  term.write(`${DIM}${printable(`escher: run ${plan.runId} of ${plan.playbookId} v${plan.version} in ${plan.cwd}`)}${RESET}\n`);
  const sink: RunSink = {
    write: (text) => term.write(text),
    // The engine's own lines quote commands and paths: made printable, dimmed apart from the output.
    note: (text) => term.write(`${DIM}escher: ${printable(text)}${RESET}\n`),
    stdin: term.input,
  };
  let record: RunRecord;
  try {
    record = await runner.execute(plan, sink, {
      consent: 'dialog',
      signal: term.signal,
      confirmStep: (step) => ctx.ui.confirm(printable(step.confirm ?? `Run ${step.title}?`), { detail: printable(`$ ${commandLine(step.argv)}`), confirm: 'Continue' }),
    });
  } catch (e) {
    term.finish(1, `${RED}escher: the run could not complete: ${printable(describe(e))}${RESET}`);
    throw e;
  }
  const ok = record.status === 'succeeded';
  term.finish(terminalExitCode(record), `${ok ? GREEN : RED}escher: ${printable(runSummary(record))}${RESET}`);
  ctx.log.info(runSummary(record));
  const text = `${runSummary(record)}.`;
  if (ok) void ctx.ui.info(text);
  else void ctx.ui.warn(text, 'Show Log').then((c) => (c === 'Show Log' ? ctx.ui.executeCommand('escher.showRunLog', { run_id: record.run_id }) : undefined));
  return record;
}
