import type { Command } from 'commander';
import { ValidationError } from '../../core/shared/errors';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';

interface PublishOptions {
  version?: string;
  review?: boolean;
  trusted?: boolean;
}

/**
 * publish ID --review|--trusted [--version V]: Flow 2 (upload scripts the server lacks, publish
 * the metadata, move local -> synced). Exit 0 published, 7 queued (server unreachable; the
 * outbox sends it on the next sync), 4 conflict (both versions kept; see `status`).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('publish')
    .description('upload a playbook to your Escher tenant: --review (reviewer approves) or --trusted (approved at once)')
    .argument('<id>', 'playbook id')
    .option('--version <version>', 'publish this version (default: the latest)')
    .option('--review', 'storage strategy uploaded_for_review')
    .option('--trusted', 'storage strategy uploaded_trusted')
    .addHelpText('after', '\nA local_only playbook becomes shareable through a new version carrying the chosen strategy; its older\nlocal_only versions are never uploaded. See docs/sync.md.')
    .action(async (id: string, o: PublishOptions) => {
      if (o.review === o.trusted) throw new ValidationError('Choose exactly one of --review or --trusted');
      const svc = await ctx.service();
      const r = await svc.publisher.publishMetadata(id, { strategy: o.trusted ? 'uploaded_trusted' : 'uploaded_for_review', ...(o.version ? { version: o.version } : {}) });
      if (r.status === 'queued') ctx.exitCode = EXIT.REMOTE;
      if (r.status === 'conflict') ctx.exitCode = EXIT.CONFLICT;
      ctx.out.result(r, () => {
        if (r.status === 'queued') {
          return [`queued ${id} v${r.version}: the server did not take it (${r.report.failed[0]?.error ?? 'unreachable'})`, 'it stays in local/ and is sent by the next `escher-playbook sync`'];
        }
        if (r.status === 'conflict') return [`${id} changed on the server too; both versions were kept:`, ...r.report.conflicts.map((c) => `  ${c.message}`)];
        const review = r.review_status === 'pending' ? ', waiting for review' : r.review_status === 'approved' ? ', approved' : '';
        return `published ${id} v${r.version}: now in synced/${review}`;
      });
    });
}
