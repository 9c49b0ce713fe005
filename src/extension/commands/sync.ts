import { summarizeReport, type SyncReport } from '../../core/metadata-publisher/sync-report';
import type { CommandContext } from './command-context';
import { renderSyncStatus } from '../status/sync-status-text';

/** Sync Now: one incremental two-way sync with progress; conflicts surface with their next action. */
export async function syncNowFlow(ctx: CommandContext): Promise<SyncReport> {
  const svc = await ctx.service();
  const report = await ctx.ui.withProgress('Syncing playbooks with your tenant…', () => svc.publisher.syncAllMetadata());
  const line = summarizeReport(report);
  ctx.log.info(line);
  if (report.conflicts.length > 0) {
    void notifyConflicts(ctx, report);
  } else if (report.failed.length > 0) {
    void ctx.ui.warn(`Sync finished with ${report.failed.length} failure${report.failed.length === 1 ? '' : 's'}: ${report.failed[0]?.error ?? ''}. Queued changes are retried.`, 'Show Sync Status').then(async (c) => {
      if (c) await ctx.ui.executeCommand('escher.showSyncStatus');
    });
  } else {
    void ctx.ui.info(line.replace(/^sync: /, 'Synced: '));
  }
  return report;
}

export async function notifyConflicts(ctx: CommandContext, report: SyncReport): Promise<void> {
  const first = report.conflicts[0];
  if (!first) return;
  const more = report.conflicts.length > 1 ? ` (+${report.conflicts.length - 1} more)` : '';
  const actions = first.copy_id ? ['Open Conflict Copy', 'Show Sync Status'] : ['Show Sync Status'];
  const choice = await ctx.ui.warn(`Sync conflict on ${first.playbook_id}: ${first.message}${more}`, ...actions);
  if (choice === 'Show Sync Status') await ctx.ui.executeCommand('escher.showSyncStatus');
  if (choice === 'Open Conflict Copy' && first.copy_id) await ctx.ui.executeCommand('escher.openMetadata', { playbookId: first.copy_id });
}

export async function showSyncStatusFlow(ctx: CommandContext): Promise<string> {
  const svc = await ctx.service();
  const text = renderSyncStatus(await svc.publisher.status(), Date.now());
  await ctx.ui.showText(text, 'markdown');
  return text;
}
