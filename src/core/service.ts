import * as path from 'node:path';
import type { Clock } from './shared/clock';
import { systemClock } from './shared/clock';
import type { PlaybookConfig } from './shared/config';
import type { Logger } from './shared/logger';
import { silentLogger } from './shared/logger';
import type { SecretStore } from './shared/secrets';
import { PlaybookStore } from './playbook-store/store';
import { DraftStore } from './drafts/draft-store';
import { VersionCompare } from './version-compare/version-compare';
import { VersionRestore } from './version-restore/version-restore';
import type { ScriptFetcher } from './metadata-publisher/local-writer';
import { Conflicts } from './conflicts/conflicts';
import type { Embedder } from './local-search/embedder';
import { LocalSearch } from './local-search/local-search';
import { QdrantVectorStore } from './local-search/qdrant-store';
import type { LockOptions } from './playbook-store/store-lock';
import type { Disposable } from './shared/disposable';
import type { HttpEscherApi } from './escher-api/client';
import { Discovery } from './discovery/discovery';
import { LibraryCatalog } from './team-catalog/library-catalog';
import { type RefreshResult, TeamCatalog } from './team-catalog/team-catalog';
import type { SyncReport } from './metadata-publisher/sync-report';
import { createScriptManager, runtimeFilesFor } from './script-manager/create';
import type { ScriptManager } from './script-manager/script-manager';
import { ConfigError } from './shared/errors';
import { MetadataPublisher } from './metadata-publisher/publisher';
import { fileScriptFetcher } from './metadata-publisher/script-fetcher';
import { embedderVectors } from './metadata-publisher/vector-provider';

export interface ServiceHosts {
  secrets: SecretStore;
  logger?: Logger;
  clock?: Clock;
}

export interface ServiceOptions {
  /** Cross-process lock tuning for the store (tests shorten the stale period). */
  locks?: LockOptions;
  /** The search's model, when the host started it already (the CLI's one-shot search starts it before loading the rest); the search owns it from then on. */
  embedder?: Embedder;
}

/**
 * The seed's PlaybookService: the one composition root. The CLI and the extension build exactly
 * one of these from a PlaybookConfig and the host's implementations of SecretStore, Logger and
 * Clock, and reach every component through it.
 *
 * Components are created on first use (a getter backed by `lazy()`), so `--version` or an
 * extension activation pays nothing for a component it does not touch. Adding a component:
 *
 *   private readonly _publisher = this.lazy(() => new MetadataPublisher({ store: this.store, … }));
 *   get publisher(): MetadataPublisher { return this._publisher(); }
 *
 * Anything with a `dispose()` that `lazy()` creates is disposed by `dispose()`, in reverse order
 * of creation (dependents before what they depend on).
 */
export class PlaybookService implements Disposable {
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly clock: Clock;
  private readonly disposables: Disposable[] = [];
  private disposed = false;

  constructor(
    readonly config: PlaybookConfig,
    hosts: ServiceHosts,
    private readonly options: ServiceOptions = {},
  ) {
    this.secrets = hosts.secrets;
    this.logger = hosts.logger ?? silentLogger;
    this.clock = hosts.clock ?? systemClock;
    // Decrypted copies of sensitive scripts that a killed process left behind go at the next start.
    runtimeFilesFor(config, { clock: this.clock }).sweep();
  }

  private readonly _store = this.lazy(
    () => new PlaybookStore({ playbooksDir: this.config.playbooksDir, secrets: this.secrets, logger: this.logger, clock: this.clock, locks: this.options.locks }),
  );

  /** The playbook store (local / synced / ai-generated areas under config.playbooksDir). */
  get store(): PlaybookStore {
    return this._store();
  }

  private readonly _drafts = this.lazy(() => new DraftStore({ draftsDir: path.join(this.config.home, 'drafts'), store: this.store, clock: this.clock }));

  /** Drafts ($ESCHER_HOME/drafts/<id>/): editable copies of versions, saved back as new versions. */
  get drafts(): DraftStore {
    return this._drafts();
  }

  private readonly _compare = this.lazy(() => new VersionCompare({ store: this.store, server: () => this.verifiedServer('compare with it') }));

  /** Compare two stored versions, or a stored version with the server's copy. */
  get compare(): VersionCompare {
    return this._compare();
  }

  private readonly _restore = this.lazy(() => new VersionRestore({ store: this.store, server: () => this.verifiedServer('restore from it') }));

  /** Restore from the server: a published version's files changed on disk put back from the server's copy. */
  get restore(): VersionRestore {
    return this._restore();
  }

  /** The server, for reading a version's metadata and scripts: scripts through the verified cache (a download is verified before it is cached). */
  private async verifiedServer(purpose: string): Promise<{ api: HttpEscherApi; fetchScript: ScriptFetcher }> {
    const api = await this.serverApi();
    if (!api) throw new ConfigError('No Escher server is configured', { hint: `connect to an Escher server to ${purpose}`, hintCode: 'server-not-configured' });
    return { api, fetchScript: fileScriptFetcher((s3Path) => this.scriptManager.downloadScript(s3Path)) };
  }

  private readonly _search = this.lazy(() => {
    const { qdrantUrl } = this.config.search;
    const remote = qdrantUrl ? new QdrantVectorStore({ url: qdrantUrl, apiKey: () => this.secrets.get('escher.qdrantApiKey') }) : undefined;
    const { embedder } = this.options;
    return new LocalSearch({ config: this.config, store: this.store, logger: this.logger, clock: this.clock, ...(remote ? { remote } : {}), ...(embedder ? { embedder } : {}) });
  });

  /** Local search (the user_playbooks collection); the model and index load on first search. */
  get search(): LocalSearch {
    return this._search();
  }

  private readonly _scriptManager = this.lazy(() => createScriptManager(this.config, { store: this.store, server: () => this.serverApi(), logger: this.logger, clock: this.clock }));

  private readonly _teamCatalog = this.lazy(
    () =>
      new TeamCatalog({
        dir: path.join(this.config.cacheDir, 'metadata', 'team'),
        server: () => this.serverApi(),
        serverUrl: this.config.serverUrl,
        tenantId: this.config.tenantId,
        logger: this.logger,
      }),
  );

  /** What this home knows of the team's (tenant's) published playbooks: metadata from the changes feed. */
  get teamCatalog(): TeamCatalog {
    return this._teamCatalog();
  }

  private readonly _libraryCatalog = this.lazy(
    () => new LibraryCatalog({ dir: path.join(this.config.cacheDir, 'metadata', 'library'), server: () => this.serverApi(), serverUrl: this.config.serverUrl, logger: this.logger }),
  );

  /** What this home knows of the Escher Library (read-only playbooks every tenant sees): the last listing. */
  get libraryCatalog(): LibraryCatalog {
    return this._libraryCatalog();
  }

  private readonly _discovery = this.lazy(
    () => new Discovery({ search: this.search, store: this.store, team: this.teamCatalog, library: this.libraryCatalog, home: this.config.home, clock: this.clock }),
  );

  /** Search across sources: local + team + library as one ranked list, team and library from their last-known catalogs. */
  get discovery(): Discovery {
    return this._discovery();
  }

  /** Script resolution (local → synced → verified cache → download) and the script cache. */
  get scriptManager(): ScriptManager {
    return this._scriptManager();
  }

  private readonly _publisher = this.lazy(
    () =>
      new MetadataPublisher({
        store: this.store,
        api: this.config.serverUrl ? () => this.serverApi() : undefined,
        syncDir: this.config.syncDir,
        cacheDir: this.config.cacheDir,
        tenantId: this.config.tenantId,
        serverUrl: this.config.serverUrl,
        syncEnabled: this.config.syncEnabled,
        syncIntervalMinutes: this.config.syncIntervalMinutes,
        // Background sync (the extension, `sync --watch`) also follows other processes' edits.
        watchStoreDir: this.config.playbooksDir,
        // Server-side script changes come down through the script manager's verified cache.
        fetchScript: fileScriptFetcher((s3Path) => this.scriptManager.downloadScript(s3Path)),
        // The same model and text as the local index, so tenant and local vectors agree; the
        // model loads on the first publish that needs a vector, never when the publisher is built.
        vectors: embedderVectors(() => this.search.embedder),
        logger: this.logger,
        clock: this.clock,
      }),
  );

  /** Metadata publisher: publish (Flow 2), incremental two-way sync, background sync (docs/sync.md). */
  get publisher(): MetadataPublisher {
    return this._publisher();
  }

  private readonly _conflicts = this.lazy(() => new Conflicts({ store: this.store, publisher: this.publisher, drafts: this.drafts }));

  /** Sync conflicts the user resolves: keep mine, keep theirs, or a merge draft. */
  get conflicts(): Conflicts {
    return this._conflicts();
  }

  /**
   * One sync as a user means it: this home's playbooks both ways (the publisher), then what the
   * team published and the Escher Library (metadata only, into their catalogs). A no-op is three
   * requests: the publisher's changes feed, the team catalog's, and the library's 304.
   */
  async syncAll(): Promise<{ report: SyncReport; catalogs: { team: RefreshResult; library: RefreshResult } }> {
    const report = await this.publisher.syncAllMetadata();
    return { report, catalogs: { team: await this.teamCatalog.refresh(), library: await this.libraryCatalog.refresh() } };
  }

  private serverApiPromise: Promise<HttpEscherApi | undefined> | undefined;

  /**
   * The Escher server client, built on first use (it reads the token); undefined when no server
   * URL is configured. Commands that never touch the network never build it.
   */
  serverApi(): Promise<HttpEscherApi | undefined> {
    this.serverApiPromise ??= (async () => {
      const { serverUrl, tenantId } = this.config;
      if (!serverUrl) return undefined;
      if (!tenantId) throw new ConfigError('No Escher tenant configured', { hintCode: 'tenant-not-configured' });
      const token = await this.secrets.get('escher.token');
      if (!token) throw new ConfigError('No Escher token configured', { hintCode: 'token-missing' });
      // Loaded on first network use: a cache hit never pays for axios.
      const { HttpEscherApi } = await import('./escher-api/client.js');
      const api = new HttpEscherApi({ serverUrl, tenantId, token, logger: this.logger });
      this.disposables.push({ dispose: () => api.close() });
      return api;
    })().catch((e: unknown) => {
      this.serverApiPromise = undefined;
      throw e;
    });
    return this.serverApiPromise;
  }

  /** Idempotent. Disposes components in reverse creation order; errors are logged, not thrown. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (e) {
        this.logger.warn(`dispose failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Memoises `create`; registers the result for disposal when it is Disposable. */
  protected lazy<T>(create: () => T): () => T {
    let made = false;
    let value: T;
    return () => {
      if (this.disposed) throw new Error('PlaybookService is disposed');
      if (!made) {
        value = create();
        made = true;
        if (isDisposable(value)) this.disposables.push(value);
      }
      return value;
    };
  }
}

function isDisposable(v: unknown): v is Disposable {
  return typeof v === 'object' && v !== null && typeof (v as { dispose?: unknown }).dispose === 'function';
}
