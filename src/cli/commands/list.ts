import type { Command } from 'commander';
import { AREAS, type Area } from '../../core/playbook-store/metadata';
import { choice } from '../args';
import type { CliContext } from '../context';
import { renderSummaries } from '../render';
import { SyncViews } from '../sync-view';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('list playbooks (latest version of each) in all areas or one, with their review status on the server')
    .option('--area <area>', `only this area: ${AREAS.join('|')}`, choice(AREAS))
    .action(async (o: { area?: Area }) => {
      const { store } = await ctx.service();
      const [items, views] = await Promise.all([store.listPlaybooks(o.area ? { area: o.area } : {}), SyncViews.load(ctx.config().cacheDir)]);
      if (!ctx.out.json) {
        ctx.out.result(null, () => renderSummaries(items, views));
        return;
      }
      // review_status / sync_state are null for playbooks never published (see docs/cli.md).
      const rows = items.map((s) => {
        const v = views.of(s);
        return { ...s, review_status: v?.review_status ?? null, sync_state: v?.sync_state ?? null };
      });
      ctx.out.result(rows, () => '');
    });
}
