import type { EscherApi, ReviewStatus } from '../escher-api/types';
import type { StorageStrategy } from '../playbook-store/metadata';
import type { PlaybookStoreApi } from '../playbook-store/types';
import type { Backoff } from '../shared/backoff';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ScriptFetcher } from './local-writer';
import type { SyncReport } from './sync-report';
import type { VectorProvider } from './vector-provider';

/** What the MetadataPublisher (publisher.ts) is built from, and what a publish answers. */
export type UploadStrategy = Exclude<StorageStrategy, 'local_only'>;

export interface MetadataPublisherOptions {
  store: PlaybookStoreApi;
  /**
   * The server client, or a provider of it (the composition root builds the client lazily: it
   * needs the token). Undefined when no server is configured: publish/sync then fail with a
   * ConfigError.
   */
  api: EscherApi | (() => Promise<EscherApi | undefined>) | undefined;
  /** Where the sync state lives: `$ESCHER_HOME/sync` (PlaybookConfig.syncDir), never under the cache. */
  syncDir: string;
  /** The cache folder: an older version kept the sync state in it (state-migration.ts), moved to `syncDir` on first use. */
  cacheDir?: string;
  tenantId: string;
  serverUrl: string;
  syncEnabled: boolean;
  syncIntervalMinutes: number;
  clock?: Clock;
  logger?: Logger;
  /** The local search component's embedder; publishing works without it (vector follows later). */
  vectors?: VectorProvider;
  /** Local search's "mark synced". */
  onSynced?: (id: string, version: string) => void | Promise<void>;
  fetchScript?: ScriptFetcher;
  lock?: { staleMs?: number; waitMs?: number };
  /** How long a failed op waits before a background sync sends it again (outbox.ts OUTBOX_BACKOFF). */
  backoff?: Backoff;
  random?: () => number;
  debounceMs?: number;
  /**
   * The store folder (PlaybookConfig.playbooksDir): background sync also follows changes other
   * processes make there (the CLI while VS Code is open), not only this process's store writes.
   */
  watchStoreDir?: string;
}

export interface PublishResult {
  playbook_id: string;
  /** The version now on the server (a new one when the strategy changed or a merge was needed). */
  version: string;
  status: 'published' | 'queued' | 'conflict';
  review_status?: ReviewStatus;
  report: SyncReport;
}
