import type { Command } from 'commander';
import { ValidationError } from '../../core/shared/errors';
import { cloneTeamPlaybook } from '../../core/team-catalog/clone';
import type { CliContext } from '../context';
import { refreshedLibrary } from '../library-view';
import { refreshedTeam } from '../team-view';

interface CloneCliOptions {
  version?: string;
  as?: string;
  allowUnreviewed?: string;
}

/**
 * clone ID [--version V] [--as NEW_ID] [--allow-unreviewed REASON]: a teammate's published
 * playbook becomes a new local playbook of yours (v1.0.0, local_only) that records `cloned_from`.
 * Its scripts come through the verified cache and the review gate (approved content only, unless
 * a reason is given).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('clone')
    .description("copy a teammate's published playbook, or an Escher Library playbook, into a new local playbook (records cloned_from)")
    .argument('<id>', 'the team or library playbook id (see `list --source all`)')
    .option('--version <version>', 'the version to copy (default: the latest)')
    .option('--as <new-id>', 'the new playbook id (default: the same id)')
    .option('--allow-unreviewed <reason>', 'copy a version whose review is pending or rejected; the reason is logged')
    .action(async (id: string, o: CloneCliOptions) => {
      if (o.allowUnreviewed !== undefined && !o.allowUnreviewed.trim()) throw new ValidationError('--allow-unreviewed needs a reason', [], { hint: '--allow-unreviewed "<why you copy it unreviewed>"' });
      const service = await ctx.service();
      await refreshedTeam(ctx, service);
      if (!(await service.teamCatalog.get(id))) await refreshedLibrary(ctx, service);
      const r = await cloneTeamPlaybook({ store: service.store, scripts: service.scriptManager, catalog: service.teamCatalog, library: service.libraryCatalog }, id, o);
      const m = r.playbook.metadata;
      ctx.out.result(
        { playbook_id: m.playbook_id, version: m.version, area: r.playbook.area, dir: r.playbook.dir, cloned_from: r.from, review_status: r.review.status, ...(r.review.overrideReason ? { allow_unreviewed: r.review.overrideReason } : {}) },
        () => [`cloned ${r.from.source === 'library' ? 'library' : 'team'} playbook ${id} v${r.from.version} (${r.review.status}) to ${r.playbook.area} playbook ${m.playbook_id} v${m.version}`, `  ${r.playbook.dir}`],
      );
    });
}
