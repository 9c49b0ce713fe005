import type { BackgroundSyncEvent } from '../../core/metadata-publisher/background-sync';
import { summarizeReport, type SyncReport } from '../../core/metadata-publisher/sync-report';
import type { CommandContext } from './command-context';
import { renderSyncStatus } from '../status/sync-status-text';

/** What a sync shows beyond its messages: the status bar's spinner and text, and the explorer. */
export interface SyncDisplay {
  setSyncing(syncing: boolean): void;
  /** Re-reads the sync status for the status bar. */
  update(): Promise<void>;
  /** The explorer re-lists (areas, review states). */
  refresh(): void;
}

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

/** The Sync Now command: the flow with the status bar spinning, and the explorer refreshed whatever the outcome. */
export async function syncNowCommand(ctx: CommandContext, display: SyncDisplay): Promise<SyncReport> {
  display.setSyncing(true);
  try {
    return await syncNowFlow(ctx);
  } finally {
    display.setSyncing(false);
    display.refresh();
    await display.update();
  }
}

/**
 * What the user sees of background sync: the explorer re-lists when something moved, a conflict
 * and (up to three) review decisions are notified, a rejected token stops sync with a Sign In
 * offer; a failure that will be retried only goes to the log.
 */
export async function onBackgroundSyncEvent(ctx: CommandContext, e: BackgroundSyncEvent<SyncReport>, display: SyncDisplay): Promise<void> {
  const notices: Array<Promise<unknown>> = [];
  if (e.type === 'synced') {
    const r = e.result;
    if (r.published.length + r.updated.length + r.pulled.length + r.deleted.length + r.reviewChanges.length > 0) display.refresh();
    if (r.conflicts.length > 0) notices.push(notifyConflicts(ctx, r));
    for (const rc of r.reviewChanges.slice(0, 3)) notices.push(ctx.ui.info(`Review: ${rc.playbook_id} v${rc.version} is ${rc.status}.`));
  } else if (e.type === 'failed') {
    ctx.log.warn(`background sync failed (retry in ${Math.round(e.retryInMs / 1000)} s): ${String(e.error)}`);
  } else if (e.type === 'stopped' && e.reason === 'auth') {
    notices.push(
      ctx.ui.error('Escher rejected the token, so background sync stopped.', 'Sign In').then(async (c) => {
        if (c === 'Sign In') await ctx.ui.executeCommand('escher.signIn');
      }),
    );
  }
  await Promise.all([display.update(), ...notices]);
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
