import type { CommandContext } from './command-context';

export async function cacheStatsFlow(ctx: CommandContext): Promise<string> {
  const svc = await ctx.service();
  const s = await svc.scriptManager.cache.stats();
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const msg = `Script cache: ${s.entries} script${s.entries === 1 ? '' : 's'}, ${mb(s.totalBytes)} of ${mb(s.maxBytes)}; ${s.expired} expired (TTL ${s.ttlDays} days). ${s.dir}`;
  const choice = await ctx.ui.info(msg, ...(s.expired > 0 ? ['Evict Expired'] : []));
  if (choice === 'Evict Expired') await evictCacheFlow(ctx);
  return msg;
}

export async function evictCacheFlow(ctx: CommandContext): Promise<number> {
  const svc = await ctx.service();
  const freed = await svc.scriptManager.evictOldCache();
  void ctx.ui.info(freed > 0 ? `Evicted expired and over-limit scripts: ${(freed / 1024).toFixed(1)} kB freed.` : 'Nothing to evict: every cached script is fresh and the cache is under its limit.');
  return freed;
}

export async function rebuildIndexFlow(ctx: CommandContext): Promise<void> {
  const svc = await ctx.service();
  const r = await ctx.ui.withProgress('Rebuilding the playbook search index…', () => svc.search.rebuild());
  const warn = r.warnings.length ? ` Warnings: ${r.warnings.join('; ')}` : '';
  void ctx.ui.info(`Search index rebuilt: ${r.added + r.updated} playbooks indexed (${r.embedded} embedded).${warn}`);
}
