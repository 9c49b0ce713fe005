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

/**
 * Check Playbook Store: the store's own check (damaged or hand-edited files, symlinks, leftovers
 * of interrupted writes, duplicate ids) as a read-only report; Repair fixes what can be fixed
 * without losing data, after a confirmation.
 */
export async function checkStoreFlow(ctx: CommandContext): Promise<number> {
  const svc = await ctx.service();
  const report = await ctx.ui.withProgress('Checking the playbook store…', () => svc.store.doctor());
  if (report.issues.length === 0) {
    ctx.ui.statusMessage(`$(check) Escher: the store is fine (${report.checkedVersions} versions checked)`);
    return 0;
  }
  const lines = report.issues.map((i) => `- **${i.kind}** \`${i.path}\`: ${i.message}`);
  await ctx.ui.showReadOnly({ name: 'Escher Store Check.md', language: 'markdown', content: `# Playbook store check\n\n${report.checkedVersions} versions checked, ${report.issues.length} problem${report.issues.length === 1 ? '' : 's'}:\n\n${lines.join('\n')}\n` });
  const ok = await ctx.ui.confirm(`The store has ${report.issues.length} problem${report.issues.length === 1 ? '' : 's'}. Repair what can be repaired?`, {
    detail: 'Leftovers of interrupted writes, empty folders and stale locks are removed and the catalog rebuilt. Damaged files, checksum mismatches and symlinks are only reported: they need you.',
    confirm: 'Repair',
  });
  if (!ok) return report.issues.length;
  const repaired = await svc.store.doctor({ repair: true });
  const left = repaired.issues.filter((i) => !i.repaired).length;
  await ctx.ui.info(left === 0 ? 'Repaired: the store is fine now.' : `Repaired what could be; ${left} problem${left === 1 ? '' : 's'} need you (see the report).`);
  return left;
}
