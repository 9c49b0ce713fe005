import type { Command } from 'commander';
import { ValidationError } from '../../core/shared/errors';
import type { CliContext } from '../context';

interface DeleteOptions {
  version?: string;
  everywhere?: boolean;
  local?: boolean;
}

/**
 * delete ID [--version V] [--everywhere | --local]. A playbook shared with the tenant (tracked by
 * sync) is deleted for everyone by the next sync, so that takes --everywhere; --local removes it
 * from this machine only and stops following it (LocalTracking, docs/sync.md).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('delete one version of a playbook, or the whole playbook (a shared one: --everywhere or --local)')
    .argument('<id>', 'playbook id')
    .option('--version <version>', 'delete only this version (deleting the last one deletes the playbook)')
    .option('--everywhere', 'a playbook shared with your tenant: delete it here and, at the next sync, for everyone in the tenant')
    .option('--local', 'a playbook shared with your tenant: remove it from this machine only; the tenant keeps it and sync here stops following it')
    .action(async (id: string, o: DeleteOptions) => {
      if (o.everywhere && o.local) throw new ValidationError('Choose one of --everywhere or --local');
      if (o.local && o.version !== undefined) {
        throw new ValidationError('--local removes the whole playbook from this machine, not one version', [], { hint: 'drop --version, or delete the version with --everywhere' });
      }
      const { store, publisher } = await ctx.service();
      const reach = await publisher.tracking.deleteReach(id, o.version);
      const tenant = reach.tenant ? `tenant "${reach.tenant}"` : 'your Escher tenant';
      if (reach.tenantWide && !o.everywhere && !o.local) {
        const subject = o.version === undefined ? `"${id}"` : `Version ${o.version} of "${id}"`;
        throw new ValidationError(`${subject} is shared with ${tenant}: deleting it here deletes it for everyone in ${tenant} at the next sync`, [], {
          hint: `add --everywhere to do that${o.version === undefined ? ', or --local to remove it from this machine only (the tenant keeps it)' : ''}`,
        });
      }
      if (reach.tenantWide && o.local) await publisher.tracking.deleteHereOnly(id);
      else await store.deletePlaybook(id, o.version);
      const shown = o.version ? `${id} v${o.version}` : id;
      ctx.out.result({ deleted: id, ...(o.version ? { version: o.version } : {}), scope: !reach.tenantWide ? 'here' : o.local ? 'here-only' : 'everywhere', ...(reach.tenantWide ? { tenant: reach.tenant } : {}) }, () =>
        !reach.tenantWide
          ? `deleted ${shown}`
          : o.local
            ? `removed ${id} from this machine; ${tenant} keeps it, and sync here no longer follows it`
            : `deleted ${shown} here; the next sync deletes it for everyone in ${tenant}`,
      );
    });
}
