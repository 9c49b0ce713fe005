import type { Command } from 'commander';
import type { SyncStatus } from '../../core/metadata-publisher/publisher';
import type { CliContext } from '../context';
import type { ModifiedVersion } from '../../core/playbook-store/types';
import { findModifiedVersions } from '../../core/playbook-store/version-integrity';
import { modifiedVersionHint } from '../../core/playbook-store/verified-files';

/** status: last sync, queued changes, conflicts needing attention (reads local state only: no request). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('sync status: last sync time, queued changes, conflicts needing attention, versions modified on disk')
    .action(async () => {
      const svc = await ctx.service();
      const st = await svc.publisher.status();
      const modified = await findModifiedVersions(svc.store, await svc.store.listPlaybooks());
      ctx.out.result({ ...st, modified_on_disk: modified }, () => [...renderStatus(st, Date.now()), ...renderModified(modified)]);
    });
}

/** Versions changed on disk after they were stored: each file, and the way out. */
export function renderModified(modified: readonly ModifiedVersion[]): string[] {
  const lines = [`modified on disk: ${modified.length}`];
  for (const v of modified) {
    lines.push(`  ${v.playbook_id} v${v.version} (${v.area}): ${v.files.map((f) => f.path).join(', ')}`);
    lines.push(`    ${modifiedVersionHint(v.playbook_id, v.version)}`);
  }
  return lines;
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
  return lines;
}
