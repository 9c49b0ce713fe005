import * as path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, IntegrityError, NetworkError } from '../../core/shared/errors';
import { LOCK_FILE, lockAdd, lockVerify } from '../../core/team-catalog/lockfile';
import type { CliContext } from '../context';
import { refreshedTeam } from '../team-view';

/**
 * lock add ID [--version V] | lock verify  [--file FILE]: the workspace lockfile
 * (escher.lock.json in the current folder by default; see src/core/team-catalog/lockfile.ts).
 * `verify` exits 5 when a pinned playbook's content differs, is gone, or is no longer approved.
 */
export function register(program: Command, ctx: CliContext): void {
  const lock = program.command('lock').description('pin team playbooks a repository depends on (escher.lock.json)');
  const fileOf = (o: { file?: string }): string => path.resolve(o.file ?? LOCK_FILE);
  lock
    .command('add')
    .description('pin an approved team playbook version (default: the latest) with its content hash')
    .argument('<id>', 'team playbook id')
    .option('--version <version>', 'the version to pin')
    .option('--file <file>', `the lockfile (default: ./${LOCK_FILE})`)
    .action(async (id: string, o: { version?: string; file?: string }) => {
      const service = await ctx.service();
      await refreshedTeam(ctx, service);
      const r = await lockAdd(service.teamCatalog, fileOf(o), id, o.version);
      ctx.out.result({ file: fileOf(o), ...r }, () => `pinned ${id}@${r.entry.version} (content ${r.entry.content_hash.slice(0, 12)}…) in ${fileOf(o)}`);
    });
  lock
    .command('verify')
    .description('check every pinned playbook is still published, unchanged and approved (non-zero exit otherwise: for CI)')
    .option('--file <file>', `the lockfile (default: ./${LOCK_FILE})`)
    .action(async (o: { file?: string }) => {
      const service = await ctx.service();
      // CI must not pass on stale knowledge: a revoked approval is only seen online.
      if (!ctx.config().serverUrl) throw new ConfigError('No Escher server configured: pins can only be verified against it', { hint: 'set ESCHER_SERVER_URL, ESCHER_TENANT_ID and ESCHER_TOKEN' });
      const refreshed = await service.teamCatalog.refresh();
      if (!refreshed.online) throw new NetworkError(`The server could not be reached (${refreshed.error ?? 'unknown error'}), so the pins were not verified`, { hint: 'try again when the server is reachable' });
      const r = await lockVerify(service.teamCatalog, fileOf(o));
      const failed = r.entries.filter((e) => !e.ok);
      if (failed.length) {
        if (ctx.out.json) ctx.out.result(r, () => '');
        throw new IntegrityError(`${failed.length} of ${r.entries.length} pinned playbook(s) no longer match ${fileOf(o)}: ${failed.map((e) => `${e.playbook_id}@${e.version} ${e.problem ?? ''}`).join('; ')}`, {
          hint: 'review the change, then pin again with `escher-playbook lock add ID --version V`',
        });
      }
      ctx.out.result(r, () => r.entries.map((e) => `ok ${e.playbook_id}@${e.version}`).concat(r.entries.length ? [] : ['nothing pinned']));
    });
}
