import type { Command } from 'commander';
import type { SyncStatus } from '../../core/metadata-publisher/status-reader';
import type { CliContext } from '../context';

/** status: last sync, queued changes, conflicts, playbooks not syncing (reads local state only: no request). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('sync status: last sync time, queued changes, conflicts needing attention')
    .action(async () => {
      const svc = await ctx.service();
      const st = await svc.publisher.status();
      ctx.out.result(st, () => renderStatus(st, Date.now()));
    });
}

export function renderStatus(st: SyncStatus, now: number): string[] {
  const ago = (iso: string | null): string => {
    if (!iso) return 'never';
    const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    const rel = s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
    return `${iso} (${rel})`;
  };
  const lines = [
    `server:        ${st.serverConfigured ? 'configured' : 'not configured (escher-playbook login)'}`,
    `background:    ${st.syncEnabled ? 'enabled' : 'disabled (sync_enabled=false)'}`,
    `last sync:     ${ago(st.lastSyncAt)}`,
    `synced:        ${st.tracked} playbook(s)`,
  ];
  if (st.lastError && st.lastAttemptAt !== st.lastSyncAt) lines.push(`last error:    ${st.lastError.message}`);
  if (st.changedSinceSync.length) lines.push(`changed here:  ${st.changedSinceSync.join(', ')} (sent by the next sync)`);
  lines.push(`queued:        ${st.queued.length}`);
  for (const q of st.queued) lines.push(`  ${q.kind} ${q.playbook_id}${q.attempts ? ` (${q.attempts} failed attempt(s): ${q.last_error ?? ''})` : ''}`);
  lines.push(`conflicts:     ${st.conflicts.length}${st.conflicts.length ? ' needing attention' : ''}`);
  for (const c of st.conflicts) lines.push(`  ${c.message}`);
  if (st.notSyncing.length) lines.push(`not syncing:   ${st.notSyncing.length} (server changes not applied here)`);
  for (const u of st.notSyncing) lines.push(`  ${u.message}`);
  return lines;
}
