import type { Command } from 'commander';
import type { CliContext } from '../context';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('delete one version of a playbook, or the whole playbook')
    .argument('<id>', 'playbook id')
    .option('--version <version>', 'delete only this version (deleting the last one deletes the playbook)')
    .action(async (id: string, o: { version?: string }) => {
      const { store } = await ctx.service();
      await store.deletePlaybook(id, o.version);
      ctx.out.result({ deleted: id, ...(o.version ? { version: o.version } : {}) }, () => (o.version ? `deleted ${id} v${o.version}` : `deleted ${id}`));
    });
}
