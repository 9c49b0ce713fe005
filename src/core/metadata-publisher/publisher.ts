import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { modifiedError } from '../playbook-store/version-integrity';
import { watchStoreFolder } from '../playbook-store/store-watcher';
import { type Clock, systemClock } from '../shared/clock';
import { ConfigError, EscherError, ValidationError, describeError, isEscherError } from '../shared/errors';
import { type Logger, silentLogger } from '../shared/logger';
import { BackgroundSync, type BackgroundSyncEvent } from './background-sync';
import { BaseStore } from './base-store';
import { CountingApi } from './counting-api';
import { LocalTracking } from './local-tracking';
import { OUTBOX_BACKOFF, nextRetryAt } from './outbox';
import { ticketScriptFetcher } from './script-fetcher';
import { removeLegacyUploadScratch } from './script-upload';
import { type SyncReport, emptyReport } from './sync-report';
import { SyncLock } from './sync-lock';
import { RunContext, type SyncRunDeps } from './run-context';
import { SyncRun } from './sync-run';
import { trackTeamPlaybook, type TrackResult } from './track-op';
import { legacySyncDir } from './state-migration';
import { type ConflictRecord, type SyncState, SyncStateFile } from './sync-state';
import { type ReviewInfo, StatusReader, type SyncStatus } from './status-reader';
import type { SyncView } from './sync-views';

export type { MetadataPublisherOptions, PublishResult, UploadStrategy } from './publisher-options';
import type { MetadataPublisherOptions, PublishResult, UploadStrategy } from './publisher-options';

/**
 * The seed's Metadata Publisher: `publishMetadata` (Flow 2), `syncAllMetadata` (incremental,
 * two-way, conflict-safe) and `startBackgroundSync`, plus the readers of its state (`status`,
 * `reviewStatus`, `syncViews`). A facade: each sync is a SyncRun (sync-run.ts) under the sync
 * lock. The protocol, the conflict policy and the retry layers are in docs/sync.md, the on-disk
 * state in sync-state.ts, the map of the folder in README.md.
 */
export class MetadataPublisher {
  private readonly stateFile: SyncStateFile;
  private readonly bases: BaseStore;
  private readonly lock: SyncLock;
  private readonly reader: StatusReader;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private api: CountingApi | undefined;
  private background: BackgroundSync<SyncReport> | undefined;
  private scratchGone: Promise<void> | undefined;
  /** Whether a delete here reaches the tenant, and deleting here only (local-tracking.ts). */
  readonly tracking: LocalTracking;

  constructor(private readonly o: MetadataPublisherOptions) {
    const dir = o.syncDir;
    this.clock = o.clock ?? systemClock;
    this.logger = o.logger ?? silentLogger;
    this.stateFile = new SyncStateFile(dir, { logger: this.logger, ...(o.cacheDir !== undefined ? { legacyDir: legacySyncDir(o.cacheDir) } : {}) });
    this.bases = new BaseStore(path.join(dir, 'base'));
    this.lock = new SyncLock(dir, o.lock);
    this.reader = new StatusReader(this.stateFile, o.store, { configured: () => this.configured, syncEnabled: o.syncEnabled });
    if (o.api && typeof o.api !== 'function') this.api = new CountingApi(o.api);
    this.tracking = new LocalTracking({ store: o.store, stateFile: this.stateFile, bases: this.bases, lock: this.lock, clock: this.clock, tenantId: o.tenantId });
  }

  get stateDir(): string {
    return this.stateFile.dir;
  }

  private get configured(): boolean {
    return this.o.api !== undefined && this.o.tenantId !== '';
  }

  private async requireApi(): Promise<CountingApi> {
    this.scratchGone ??= removeLegacyUploadScratch([this.stateFile.dir, ...(this.o.cacheDir !== undefined ? [legacySyncDir(this.o.cacheDir)] : [])]).catch((e: unknown) => this.logger.warn(`could not remove the old upload scratch folder: ${describeError(e)}`));
    await this.scratchGone;
    if (!this.api && typeof this.o.api === 'function') {
      const inner = await this.o.api();
      if (inner) this.api = new CountingApi(inner);
    }
    if (!this.api || !this.o.tenantId) {
      throw new ConfigError('No Escher server is configured', { hint: 'connect to an Escher server first', hintCode: 'server-not-configured' });
    }
    return this.api;
  }

  /** Saves the state, then drops the merge bases it no longer names (base-store.ts: never before). */
  private async save(state: SyncState, options: { timesOnly?: boolean } = {}): Promise<void> {
    await this.stateFile.save(state, options);
    await this.bases.prune(state.playbooks);
  }

  private newRun(api: CountingApi, state: SyncState, report: SyncReport): SyncRun {
    return new SyncRun(this.deps(api), state, report);
  }

  private deps(api: CountingApi): SyncRunDeps {
    return runDeps(this.o, api, { bases: this.bases, clock: this.clock, logger: this.logger, save: (st) => this.save(st) });
  }

  /** `pull ID`: a team playbook's latest version becomes a synced playbook here, kept current by sync (track-op.ts). */
  async trackPlaybook(playbookId: string, options: { version?: string; allowUnreviewed?: string } = {}): Promise<TrackResult> {
    const api = await this.requireApi();
    return this.lock.run(async () => {
      const state = await this.stateFile.load();
      const result = await trackTeamPlaybook(new RunContext(this.deps(api), state, emptyReport()), playbookId, options);
      await this.save(state);
      return result;
    });
  }

  /**
   * Flow 2. Publishing a local_only playbook with an upload strategy is an explicit choice, so
   * it is recorded the only way an immutable store allows: a new version (patch bump) carrying
   * the new strategy; that version is what gets uploaded, and the older local_only versions never
   * are. The same holds when switching between for_review and trusted.
   * Offline or while the server fails, the publish stays queued (status 'queued') and the
   * playbook stays in local/ until the server has it.
   */
  async publishMetadata(playbookId: string, options: { version?: string; strategy: UploadStrategy }): Promise<PublishResult> {
    if (options.strategy !== 'uploaded_for_review' && options.strategy !== 'uploaded_trusted') {
      throw new ValidationError(`Unknown upload strategy "${String(options.strategy)}"`, [], { hint: 'use uploaded_for_review or uploaded_trusted' });
    }
    const api = await this.requireApi();
    return this.lock.run(async () => {
      this.logger.debug(`publish: lock held, starting ${playbookId}`);
      const t0 = performance.now();
      api.reset();
      const state = await this.stateFile.load();
      const report = emptyReport();
      const run = this.newRun(api, state, report);
      let pb = await this.o.store.getPlaybook(playbookId, options.version);
      if (pb.area === 'ai-generated') {
        throw new ValidationError(`Playbook "${playbookId}" is AI-generated and not accepted yet`, [], { hint: 'accept it first, then publish', hintCode: 'accept-ai-first' });
      }
      // A version changed on disk after it was stored is refused whole, before anything is sent.
      const modified = await this.o.store.findModifiedFiles(pb);
      if (modified.length) throw modifiedError(pb, modified);
      if (pb.metadata.storage_strategy !== options.strategy) {
        pb = await this.o.store.updatePlaybook(playbookId, { storage_strategy: options.strategy, fromVersion: pb.metadata.version });
      }
      const op = run.enqueuePublish(pb, true);
      await this.save(state);
      await run.drainOutbox(false);
      const stillQueued = state.outbox.some((o) => o.key === op.key);
      const entry = state.playbooks[playbookId];
      report.queued = state.outbox.length;
      Object.assign(report, api.reset(), { durationMs: performance.now() - t0, cursor: state.cursor });
      const conflicted = report.conflicts.some((c) => c.playbook_id === playbookId);
      const refused = !stillQueued && report.failed.find((f) => f.playbook_id === playbookId);
      if (refused) {
        // Refused for good (e.g. 422): not queued, not on the server. Say so; never "published".
        throw new EscherError('SERVER', `The server refused to publish "${playbookId}": ${refused.error}`, { hint: 'fix what the message names, then publish again' });
      }
      return {
        playbook_id: playbookId,
        version: entry?.local_version ?? pb.metadata.version,
        status: stillQueued ? 'queued' : conflicted ? 'conflict' : 'published',
        ...(entry && !stillQueued ? { review_status: entry.review_status } : {}),
        report,
      };
    });
  }

  /**
   * One incremental, two-way sync: replay the outbox, apply the server's changes feed since the
   * cursor, queue local changes (content hash differs from the last agreement), send them.
   * With nothing changed this is one request (the changes feed) and one catalog listing.
   */
  async syncAllMetadata(options: { respectBackoff?: boolean } = {}): Promise<SyncReport> {
    const api = await this.requireApi();
    return this.lock.run(async () => {
      this.logger.debug('sync: lock held, starting');
      const t0 = performance.now();
      // Phase timings for --verbose (where a slow sync spends its time).
      const phases: string[] = [];
      let tp = t0;
      const mark = (name: string): void => {
        const t = performance.now();
        phases.push(`${name} ${(t - tp).toFixed(1)}`);
        tp = t;
      };
      api.reset();
      const state = await this.stateFile.load();
      mark('load');
      state.last_attempt_at = new Date(this.clock.now()).toISOString();
      const report = emptyReport();
      const run = this.newRun(api, state, report);
      try {
        await run.drainOutbox(options.respectBackoff ?? false);
        mark('replay');
        let locals = await this.o.store.listPlaybooks();
        mark('list');
        if (!run.blocked) {
          try {
            if (await run.pull(new Map(locals.map((s) => [s.playbook_id, s])))) locals = await this.o.store.listPlaybooks();
          } catch (e) {
            if (isEscherError(e) && e.code === 'AUTH') throw e;
            run.blocked = true;
            report.failed.push({ playbook_id: '*', error: describeError(e) });
            state.last_error = { code: isEscherError(e) ? e.code : 'ERROR', message: describeError(e) };
          }
        }
        mark('pull');
        const queuedBefore = state.outbox.map((o) => o.key).join();
        await run.queueLocalChanges(locals);
        // Persist new ops (with their idempotency keys) before the first request that sends one.
        if (state.outbox.map((o) => o.key).join() !== queuedBefore) await this.save(state);
        mark('queue');
        if (!run.blocked) await run.drainOutbox(options.respectBackoff ?? false);
        mark('send');
        if (!run.blocked && report.failed.length === 0) {
          state.last_sync_at = new Date(this.clock.now()).toISOString();
          state.last_error = null;
        }
      } finally {
        report.queued = state.outbox.length;
        Object.assign(report, api.reset(), { durationMs: performance.now() - t0, cursor: state.cursor });
        const retryAt = nextRetryAt(state);
        if (retryAt !== undefined) report.nextRetryAt = retryAt;
        // A sync that changed nothing durable rewrites only last_sync.json (the times).
        await this.save(state, { timesOnly: !run.touched && state.last_error === null });
        mark('save');
        this.logger.debug(`sync: ${phases.join(' ms, ')} ms; ${report.requests} requests`);
      }
      return report;
    });
  }

  /** Background sync (interval + debounced on store changes). False when sync is disabled or no server is set. */
  startBackgroundSync(onEvent?: (e: BackgroundSyncEvent<SyncReport>) => void): boolean {
    if (!this.o.syncEnabled || !this.configured) return false;
    if (this.background?.running) return true;
    this.background = new BackgroundSync<SyncReport>({
      clock: this.clock,
      intervalMinutes: this.o.syncIntervalMinutes,
      ...(this.o.debounceMs !== undefined ? { debounceMs: this.o.debounceMs } : {}),
      run: () => this.syncAllMetadata({ respectBackoff: true }),
      subscribe: (fn) => this.subscribeToChanges(fn),
      nextRetryAt: (r) => r.nextRetryAt,
      logger: this.logger,
      ...(onEvent ? { onEvent } : {}),
      ...(this.o.random ? { random: this.o.random } : {}),
    });
    this.background.start();
    return true;
  }

  /** This process's store writes, and (with watchStoreDir) any process's changes on disk. */
  private subscribeToChanges(fn: () => void): { dispose(): void } {
    const mine = this.o.store.onDidChange(fn);
    const others = this.o.watchStoreDir !== undefined ? watchStoreFolder(this.o.watchStoreDir, fn, { logger: this.logger }) : undefined;
    return {
      dispose: () => {
        mine.dispose();
        others?.dispose();
      },
    };
  }

  async stopBackgroundSync(): Promise<void> {
    await this.background?.stop();
  }

  get backgroundRunning(): boolean {
    return this.background?.running ?? false;
  }

  /** For `status`: read without the lock (the file is replaced atomically). */
  status(): Promise<SyncStatus> {
    return this.reader.status();
  }

  /** Review status as last seen from the server; undefined when never synced. */
  reviewStatus(playbookId: string): Promise<ReviewInfo | undefined> {
    return this.reader.reviewStatus(playbookId);
  }

  /** Every local playbook's sync state the publisher knows something about (sync-views.ts), by id. */
  syncViews(): Promise<Map<string, SyncView>> {
    return this.reader.syncViews();
  }

  /** Drops the conflict records `resolved` picks (the user resolved them: src/core/conflicts/); how many went. */
  clearConflicts(resolved: (c: ConflictRecord) => boolean): Promise<number> {
    return this.lock.run(async () => {
      const state = await this.stateFile.load();
      const kept = state.conflicts.filter((c) => !resolved(c));
      const gone = state.conflicts.length - kept.length;
      state.conflicts = kept;
      if (gone > 0) await this.save(state);
      return gone;
    });
  }

  /** Stops the background loop (a sync in flight finishes on its own; its writes are atomic). */
  dispose(): void {
    void this.background?.stop();
  }
}

/** What one sync run (or a `pull`) works with: the options' store and hooks bound to this publisher's state. */
function runDeps(o: MetadataPublisherOptions, api: CountingApi, p: Pick<SyncRunDeps, 'bases' | 'clock' | 'logger' | 'save'>): SyncRunDeps {
  return {
    ...p,
    store: o.store,
    api,
    tenant: o.tenantId,
    fetchScript: o.fetchScript ?? ticketScriptFetcher(api, o.serverUrl),
    ...(o.vectors ? { vectors: o.vectors } : {}),
    ...(o.onSynced ? { onSynced: o.onSynced } : {}),
    backoff: o.backoff ?? OUTBOX_BACKOFF,
    random: o.random ?? Math.random,
  };
}
