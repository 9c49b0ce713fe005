import type { BackgroundSyncEvent } from '../../core/metadata-publisher/background-sync';
import type { SyncReport } from '../../core/metadata-publisher/sync-report';
import type { CommandContext } from './command-context';
import { describe } from './error-actions';
import { renderSyncStatus } from '../status/sync-status-text';
import { notifyReviewChanges } from './review-notices';

/** What a sync shows beyond its messages: the status bar's spinner and text, and the explorer. */
export interface SyncDisplay {
  setSyncing(syncing: boolean): void;
  /** Re-reads the sync status for the status bar. */
  update(): Promise<void>;
  /** The explorer re-lists (areas, review states). */
  refresh(): void;
  /** The server rejected the token: the status bar and the palette offer Sign In again. */
  tokenRejected(): void;
}

/**
 * Sync Now: one incremental two-way sync with progress. What went fine goes to the status bar;
 * notifications are kept for what needs the user: conflicts, failures, review decisions.
 */
export async function syncNowFlow(ctx: CommandContext): Promise<SyncReport> {
  const svc = await ctx.service();
  const report = await ctx.ui.withProgress('Syncing playbooks with your tenant…', () => svc.publisher.syncAllMetadata());
  ctx.log.info(logLine(report));
  const notices = await syncOutcomeNotices(ctx, report);
  if (notices.length === 0) {
    // Conflicts found by an earlier sync are still open: said with the same count the status bar shows.
    const open = (await svc.publisher.status()).conflicts.length;
    if (open > 0) notices.push(ctx.ui.warn(`${quietSummary(report)}; ${open} conflict${open === 1 ? '' : 's'} still open.`, 'Resolve Conflict…').then(async (c) => {
      if (c) await ctx.ui.executeCommand('escher.resolveConflict');
    }));
    else ctx.ui.statusMessage(`$(check) Escher: ${quietSummary(report)}`);
  }
  void Promise.all(notices).catch((e: unknown) => ctx.log.warn(`sync notice: ${String(e)}`));
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
 * What the user sees of background sync: the explorer re-lists when something moved; conflicts,
 * failures that are not retried, and review decisions are notified; a rejected token stops sync
 * and offers Sign In; a failure that will be retried only goes to the log.
 */
export async function onBackgroundSyncEvent(ctx: CommandContext, e: BackgroundSyncEvent<SyncReport>, display: SyncDisplay): Promise<void> {
  const notices: Array<Promise<unknown>> = [];
  if (e.type === 'synced') {
    const r = e.result;
    if (r.published.length + r.updated.length + r.pulled.length + r.deleted.length + r.reviewChanges.length > 0) display.refresh();
    notices.push(...(await syncOutcomeNotices(ctx, r, { background: true })));
  } else if (e.type === 'failed') {
    ctx.log.warn(`background sync failed (retry in ${Math.round(e.retryInMs / 1000)} s): ${describe(e.error)}`);
  } else if (e.type === 'stopped' && e.reason === 'auth') {
    display.tokenRejected();
    notices.push(
      ctx.ui.error('Escher rejected the token, so background sync stopped. Sign in again to resume it.', 'Sign In…').then(async (c) => {
        if (c === 'Sign In…') await ctx.ui.executeCommand('escher.signIn');
      }),
    );
  }
  await Promise.all([display.update(), ...notices]);
}

/** The notifications a sync calls for (none when all went well); each resolves when dismissed or acted on. */
async function syncOutcomeNotices(ctx: CommandContext, report: SyncReport, options: { background?: boolean } = {}): Promise<Array<Promise<unknown>>> {
  const notices: Array<Promise<unknown>> = [];
  if (report.conflicts.length > 0) notices.push(notifyConflicts(ctx, report));
  // In the background a failure is retried by itself and only logged; asked for, it is told.
  if (report.failed.length > 0 && !options.background) {
    const n = report.failed.length;
    notices.push(
      ctx.ui.warn(`Sync finished with ${n} failure${n === 1 ? '' : 's'}: ${report.failed[0]?.error ?? ''}. Queued changes are retried.`, 'Show Sync Status').then(async (c) => {
        if (c) await ctx.ui.executeCommand('escher.showSyncStatus');
      }),
    );
  }
  notices.push(...(await notifyReviewChanges(ctx, report.reviewChanges)));
  return notices;
}

export async function notifyConflicts(ctx: CommandContext, report: SyncReport): Promise<void> {
  const first = report.conflicts[0];
  if (!first) return;
  const more = report.conflicts.length > 1 ? ` (+${report.conflicts.length - 1} more)` : '';
  const actions = first.copy_id ? ['Resolve Conflict…', 'Show Sync Status'] : ['Show Sync Status'];
  const choice = await ctx.ui.warn(`Sync conflict on ${first.playbook_id}: ${first.message}${more}`, ...actions);
  if (choice === 'Show Sync Status') await ctx.ui.executeCommand('escher.showSyncStatus');
  if (choice === 'Resolve Conflict…') await ctx.ui.executeCommand('escher.resolveConflict', { playbookId: first.playbook_id });
}

/** Show Sync Status: a read-only document (never an untitled file that asks to be saved). */
export async function showSyncStatusFlow(ctx: CommandContext): Promise<string> {
  const svc = await ctx.service();
  const text = renderSyncStatus(await svc.publisher.status(), Date.now());
  await ctx.ui.showReadOnly({ name: 'Escher Sync Status.md', content: text, language: 'markdown' });
  return text;
}

/** "synced: nothing changed" or "synced: 2 published, 1 pulled" — for the status bar. */
export function quietSummary(r: SyncReport): string {
  const parts = [
    [r.published.length, 'published'],
    [r.updated.length, 'updated'],
    [r.pulled.length, 'pulled'],
    [r.deleted.length, 'deleted'],
    [r.merged.length, 'merged'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${String(n)} ${String(what)}`);
  return parts.length ? `synced: ${parts.join(', ')}` : 'synced: nothing changed';
}

/** The developer's line (requests, bytes, time) goes to the log only. */
function logLine(r: SyncReport): string {
  return `${quietSummary(r)}; ${r.conflicts.length} conflicts, ${r.failed.length} failed, ${r.queued} queued (${r.requests} requests, ${(r.bytesSent / 1024).toFixed(1)} kB sent, ${Math.round(r.durationMs)} ms)`;
}
