import type { Command } from 'commander';
import type { BackgroundSyncEvent } from '../../core/metadata-publisher/background-sync';
import { type SyncReport, summarizeReport } from '../../core/metadata-publisher/sync-report';
import { ConfigError } from '../../core/shared/errors';
import type { RefreshResult } from '../../core/team-catalog/team-catalog';
import { describeForCli } from '../hints';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';

/**
 * sync: one incremental two-way sync. Exit 4 when conflicts are left open (new or older ones: they
 * need the user), else 9 when something failed and stays queued, else 0.
 * sync --watch: the background loop in the foreground for headless machines (every
 * sync_interval_minutes and 2 s after each local change) until Ctrl-C / SIGTERM; a 401 ends it.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('sync playbook metadata with your Escher tenant (incremental, both ways)')
    .option('--watch', 'keep running: sync every interval and right after local changes (Ctrl-C stops)')
    .action(async (o: { watch?: boolean }) => {
      const svc = await ctx.service();
      if (!o.watch) {
        const { report: r, catalogs } = await svc.syncAll();
        // The report lists the conflicts this sync found; older ones still open count as much.
        const openConflicts = (await svc.publisher.status()).conflicts;
        if (openConflicts.length) ctx.exitCode = EXIT.CONFLICT;
        else if (r.failed.length) ctx.exitCode = EXIT.PARTIAL;
        for (const [name, c] of Object.entries(catalogs)) {
          if (!c.online) ctx.out.warn(`the ${name} catalog was not refreshed (${c.error ?? 'unknown error'}); the last-known one stands`);
          for (const s of c.skipped) ctx.logger.info(`${name} catalog: skipped ${s}`);
        }
        const view = (c: RefreshResult) => ({ online: c.online, requests: c.requests, changed: c.changed, skipped: c.skipped.length });
        const json = { ...r, openConflicts: openConflicts.length, catalogs: { team: view(catalogs.team), library: view(catalogs.library) } };
        ctx.out.result(json, () => [...renderReport(r, openConflicts.length), ...catalogLine(catalogs)]);
        return;
      }
      if (!svc.config.syncEnabled) throw new ConfigError('Sync is disabled (sync_enabled=false)', { hint: 'unset ESCHER_SYNC_ENABLED or set it to true' });
      await watch(ctx, svc.publisher);
    });
}

async function watch(ctx: CliContext, publisher: { startBackgroundSync(on: (e: BackgroundSyncEvent<SyncReport>) => void): boolean; stopBackgroundSync(): Promise<void> }): Promise<void> {
  let authError: unknown;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const onEvent = (e: BackgroundSyncEvent<SyncReport>): void => {
    const at = new Date().toISOString();
    // One JSON object per line with --json (a stream of reports), one summary line otherwise.
    if (e.type === 'synced') {
      if (ctx.out.json) ctx.out.jsonLine({ at, ...e.result });
      else ctx.out.result(undefined, () => [`${at} ${summarizeReport(e.result)}`, ...renderReport(e.result).slice(1)]);
    }
    else if (e.type === 'failed') ctx.out.warn(`${at} sync failed, retrying in ${Math.round(e.retryInMs / 1000)} s: ${describeForCli(e.error)}`);
    else if (e.reason === 'auth') {
      authError = e.error;
      done();
    }
  };
  if (!publisher.startBackgroundSync(onEvent)) throw new ConfigError('No Escher server is configured', { hint: 'run `escher-playbook login --server URL --tenant ID`' });
  ctx.out.note('watching: syncs every interval and 2 s after each local change (Ctrl-C to stop)');
  // The scheduler's timers do not hold the process open (they must not in a CLI one-shot); this does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = (): void => done();
  // `sync --watch | head -1`: once the reader is gone there is nobody to report to.
  void ctx.out.closed.then(stop);
  // `on`, not `once`: a `once` listener is removed before it runs, and proper-lockfile's
  // signal-exit (loaded lazily by the first lock, so registered after us) re-raises the signal
  // when it finds itself the only listener left, killing us before the clean stop.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await finished;
  } finally {
    clearInterval(keepAlive);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await publisher.stopBackgroundSync();
  }
  if (authError) throw authError;
}

function catalogLine(c: { team: RefreshResult; library: RefreshResult }): string[] {
  const changed = c.team.changed + c.library.changed;
  return changed ? [`discovery: ${c.team.changed} team and ${c.library.changed} library playbook(s) new or changed (\`escher-playbook list --source all\`)`] : [];
}

export function renderReport(r: SyncReport, openConflicts = r.conflicts.length): string[] {
  const lines = [summarizeReport(r)];
  for (const c of r.conflicts) lines.push(`conflict: ${c.message}`);
  const older = openConflicts - r.conflicts.length;
  if (older > 0) lines.push(`${older} earlier conflict(s) still open: see \`escher-playbook status\``);
  for (const f of r.failed) lines.push(`failed: ${f.playbook_id === '*' ? '' : `${f.playbook_id}: `}${f.error}`);
  for (const s of r.skipped) lines.push(`skipped: ${s.playbook_id}: ${s.reason}`);
  for (const c of r.reviewChanges) lines.push(`review: ${c.playbook_id} v${c.version} is now ${c.status}`);
  if (r.queued) lines.push(`${r.queued} change(s) queued; they are sent by the next sync`);
  return lines;
}
