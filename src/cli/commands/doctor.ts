import type { Command } from 'commander';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check the whole store (schema, checksums, leftovers of crashes, catalog) and optionally repair it')
    .option('--repair', 'fix what is safe to fix: remove stray temp folders, rebuild the catalog, clear dead locks')
    .action(async (o: { repair?: boolean }) => {
      const { store } = await ctx.service();
      const report = await store.doctor({ repair: o.repair === true });
      const open = report.issues.filter((i) => !i.repaired);
      if (open.length) ctx.exitCode = EXIT.PARTIAL;
      ctx.out.result(report, () => [
        ...report.issues.map((i) => `${i.repaired ? 'repaired' : i.kind.padEnd(8)}  ${i.path}: ${i.message}`),
        `checked ${report.checkedVersions} version(s): ${report.issues.length === 0 ? 'no problems' : `${report.issues.length} problem(s), ${open.length} not repaired${o.repair ? '' : ' (run with --repair to fix what is safe)'}`}`,
      ]);
    });
}
