import type { Command } from 'commander';
import { ValidationError } from '../../core/shared/errors';
import type { CliContext } from '../context';

interface PullOptions {
  version?: string;
  allowUnreviewed?: string;
}

/**
 * pull ID [--version V] [--allow-unreviewed REASON]: track a teammate's published playbook. Its
 * latest version becomes a synced playbook on this home (scripts downloaded and verified), kept
 * current by every later sync. Approved content only, unless a reason is given (logged).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('pull')
    .description("track a teammate's published playbook: it becomes a synced playbook here, kept current by sync")
    .argument('<id>', 'the team playbook id (see `list --source team`)')
    .option('--version <version>', 'the version you expect to track (tracking follows the latest; refused when it is not)')
    .option('--allow-unreviewed <reason>', 'track a version whose review is pending or rejected; the reason is logged')
    .action(async (id: string, o: PullOptions) => {
      if (o.allowUnreviewed !== undefined && !o.allowUnreviewed.trim()) throw new ValidationError('--allow-unreviewed needs a reason', [], { hint: '--allow-unreviewed "<why you track it unreviewed>"' });
      const service = await ctx.service();
      const r = await service.publisher.trackPlaybook(id, o);
      if (r.review.overrideReason) ctx.logger.warn(`pull: ${id} v${r.version} is ${r.review.status}; tracked anyway because: ${r.review.overrideReason}`);
      ctx.out.result(
        { playbook_id: id, version: r.version, area: r.playbook.area, dir: r.playbook.dir, review_status: r.review.status, ...(r.review.overrideReason ? { allow_unreviewed: r.review.overrideReason } : {}) },
        () => [`tracking team playbook ${id} v${r.version} (${r.review.status}) as a synced playbook; \`escher-playbook sync\` keeps it current`, `  ${r.playbook.dir}`],
      );
    });
}
