import type { Command } from 'commander';
import { AREAS, type Area } from '../../core/playbook-store/metadata';
import { choice } from '../args';
import type { CliContext } from '../context';
import { renderSummaries } from '../render';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('list playbooks (latest version of each) in all areas or one')
    .option('--area <area>', `only this area: ${AREAS.join('|')}`, choice(AREAS))
    .action(async (o: { area?: Area }) => {
      const { store } = await ctx.service();
      const items = await store.listPlaybooks(o.area ? { area: o.area } : {});
      ctx.out.result(items, () => renderSummaries(items));
    });
}
