import type { Command } from 'commander';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { createRunner } from '../runner-context';
import { renderCheck } from '../run-view';

/**
 * check ID: the preflight of every format of a version, alone — the parameter contract, the
 * rendering, and the checkers (bash -n, shellcheck, py_compile, terraform or the HCL parser,
 * CloudFormation / ARM structure and parameters, cfn-lint). Exit 11 when any error is found.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('run the preflight checks of a playbook version without running it')
    .argument('<id>', 'playbook id')
    .option('--version <version>', 'a specific version (default: the latest)')
    .action(async (id: string, o: { version?: string }) => {
      const runner = await createRunner(ctx);
      const report = await runner.check(id, o.version);
      if (report.findings.some((f) => f.severity === 'error')) ctx.exitCode = EXIT.PREFLIGHT;
      ctx.out.result(report, () => renderCheck(report, ctx.globals().verbose === true));
    });
}
