import type { Command } from 'commander';
import { formatBytes } from '../render';
import type { CliContext } from '../context';

/** cache stats|verify|evict|clear: the script cache under $ESCHER_HOME/cache. */
export function register(program: Command, ctx: CliContext): void {
  const cache = program.command('cache').description('inspect and maintain the downloaded-script cache');
  const scriptCache = async () => (await ctx.service()).scriptManager.cache;

  cache
    .command('stats')
    .description('entries, size against the limit, expired entries')
    .action(async () => {
      const s = await (await scriptCache()).stats();
      ctx.out.result(s, () => [
        `cache:    ${s.dir}`,
        `entries:  ${s.entries} (${s.expired} expired)`,
        `size:     ${formatBytes(s.totalBytes)} of ${formatBytes(s.maxBytes)} (${s.maxBytes ? ((100 * s.totalBytes) / s.maxBytes).toFixed(1) : '0'}%)`,
        `ttl:      ${s.ttlDays} days`,
        ...(s.oldestAccess !== null ? [`accessed: ${new Date(s.oldestAccess).toISOString()} .. ${new Date(s.newestAccess ?? s.oldestAccess).toISOString()}`] : []),
      ]);
    });

  cache
    .command('verify')
    .description('re-hash every cached script; remove those that do not match (they are downloaded again when needed)')
    .action(async () => {
      const r = await (await scriptCache()).verify();
      ctx.out.result(r, () => [
        `checked ${r.checked}, ok ${r.kept}${r.adopted ? ` (${r.adopted} re-indexed from cached metadata)` : ''}, removed ${r.removed.length}`,
        ...r.removed.map((x) => `  removed ${x.path}: ${x.reason}`),
      ]);
    });

  cache
    .command('evict')
    .description('drop expired entries, then least recently used ones down to cache_max_size_mb')
    .action(async () => {
      const freed = await (await scriptCache()).evictOldCache();
      ctx.out.result({ bytesFreed: freed }, () => `freed ${formatBytes(freed)}`);
    });

  cache
    .command('clear')
    .description('delete every cached script and cached server metadata (your playbooks are not touched)')
    .action(async () => {
      const freed = await (await scriptCache()).clear();
      ctx.out.result({ bytesFreed: freed }, () => `cache cleared, freed ${formatBytes(freed)}`);
    });
}
