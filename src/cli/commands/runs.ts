import type { Command } from 'commander';
import type { CliContext } from '../context';
import { createRunner } from '../runner-context';
import { renderRecord, renderRuns } from '../run-view';

/** runs [ID] and runs show RUN_ID [--log]: the run journal ($ESCHER_HOME/runs), newest first. */
export function register(program: Command, ctx: CliContext): void {
  const runs = program
    .command('runs')
    .description('list recorded runs, newest first (of one playbook when ID is given)')
    .argument('[id]', 'only runs of this playbook')
    .option('--limit <n>', 'at most this many (default 20)', (v) => positive(v))
    .action(async (id: string | undefined, o: { limit?: number }) => {
      const runner = await createRunner(ctx);
      const records = await runner.journal.list({ ...(id ? { playbookId: id } : {}), limit: o.limit ?? 20 });
      ctx.out.result(records, () => renderRuns(records));
    });
  runs
    .command('show')
    .description('one run record in full; --log prints its captured output')
    .argument('<run-id>', 'a run id (or an unambiguous prefix)')
    .option('--log', "print the run's log (stdout+stderr, sensitive values masked) instead")
    .action(async (runId: string, o: { log?: boolean }) => {
      const runner = await createRunner(ctx);
      const record = await runner.journal.get(runId);
      if (!o.log) {
        ctx.out.result(record, () => renderRecord(record));
        return;
      }
      const log = await runner.journal.readLog(record);
      if (ctx.out.json) ctx.out.result({ run_id: record.run_id, log: log?.toString('utf8') ?? null }, () => '');
      else if (log) ctx.out.raw(log);
      else ctx.out.note(record.dry_run ? 'a dry run has no log' : 'no log recorded for this run');
    });
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('expected a whole number >= 1');
  return n;
}
