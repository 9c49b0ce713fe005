import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import type { PlaybookConfig } from '../shared/config';
import { NotFoundError, isEscherError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { redact, silentLogger } from '../shared/logger';
import { mapLimit } from '../shared/map-limit';
import type { Disposable, Playbook, PlaybookStoreApi, StoreChange } from '../playbook-store/types';
import { embeddingText } from './document-text';
import type { Embedder } from './embedder';
import { createEmbedder } from './embedder-factory';
import { EmbeddedVectorStore } from './embedded-store';
import { DEFAULT_RANKING, rankPlaybooks } from './hybrid-ranker';
import type { RankingOptions, SearchHit } from './hybrid-ranker';
import { KEYWORD_INDEX_VERSION, KeywordIndex } from './keyword-index';
import type { PlaybookPayload } from './payload';
import { payloadFromPlaybook } from './payload-builder';
import { mirrorInto } from './mirror';
import { cachingQueryEmbedder } from './query-cache';
import type { IndexStatus, ReconcileReport, ResolvedReference, SearchOptions, SearchResponse } from './search-api';
import { isUnreachable, validateSearch } from './search-api';
import type { VectorPoint, VectorStore } from './vector-store';

/**
 * The seed's Local RAG Manager: the user_playbooks collection kept in step with the playbook
 * files, and searched with hybrid (keyword + semantic) ranking.
 *
 * The embedded store is always maintained: it is the default backend, the offline fallback when
 * a configured Qdrant is unreachable, and where the keyword index and reconcile get their
 * payloads from. Qdrant, when configured, is a mirror fed from the embedded store's vectors (no
 * second embedding) and is what semantic search asks first.
 *
 * Keeping in step:
 *  - `reconcile()` (start-up, `index rebuild`, the extension's file watcher): compares each
 *    playbook's content hash (sha256 of its latest metadata.json, from the store's catalog) with
 *    the collection's; only new or changed playbooks are read, and only those whose embedded
 *    text changed are embedded again. A no-op reconcile embeds nothing.
 *  - store change events (create/update/delete/move) update one playbook each, immediately.
 * Every mutation runs on one queue, so events and reconcile steps never interleave; a reconcile
 * takes the queue one chunk at a time, so a long first indexing does not block searches.
 */
export interface LocalSearchOptions {
  config: PlaybookConfig;
  store: PlaybookStoreApi;
  logger?: Logger;
  clock?: Clock;
  /** Default: the configured model in a worker thread. */
  embedder?: Embedder;
  /** A Qdrant-backed store (default: built from config.search.qdrantUrl when set). */
  remote?: VectorStore;
  /** How long after a change event the index file is written (changes arriving meanwhile share one write). */
  flushDelayMs?: number;
  ranking?: RankingOptions;
}

export const SEARCH_DIR = 'search';
const EMBED_CHUNK = 64;

export class LocalSearch implements Disposable {
  readonly embedder: Embedder;
  private readonly queryEmbedder: Embedder;
  private readonly embedded: EmbeddedVectorStore;
  private keywords = KeywordIndex.empty();
  private readonly remote: VectorStore | undefined;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly ranking: RankingOptions;
  private readonly flushDelayMs: number;
  private opened: Promise<string | undefined> | undefined;
  private started: Promise<ReconcileReport> | undefined;
  /** Resolves with the number of playbooks the start-up reconcile must (re)index, once it knows. */
  private firstDiff: Promise<number> | undefined;
  /** Serialises reconciles: a second one starts after the first, so nothing is embedded twice. */
  private reconciling: Promise<unknown> = Promise.resolve();
  /** Playbooks found changed by a running reconcile and not indexed yet. */
  private pendingIndexing = 0;
  private answeredBeforeIndexed = false;
  private remoteReady: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private subscription: Disposable | undefined;
  private flushTimer: { cancel(): void } | undefined;
  private disposed = false;

  constructor(private readonly options: LocalSearchOptions) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.embedder = options.embedder ?? createEmbedder(options.config.search);
    this.queryEmbedder = cachingQueryEmbedder(this.embedder);
    this.embedded = new EmbeddedVectorStore(path.join(options.config.home, SEARCH_DIR), this.clock);
    this.remote = options.remote;
    this.ranking = options.ranking ?? DEFAULT_RANKING;
    this.flushDelayMs = options.flushDelayMs ?? 250;
  }

  /** Path of the embedded collection file. */
  get indexFile(): string {
    return this.embedded.file;
  }

  /**
   * Opens the collection, subscribes to store changes and reconciles, once (later calls return
   * the same report); the first search calls it. The model starts loading at once, in parallel
   * with reading the index.
   */
  start(): Promise<ReconcileReport> {
    this.warmModel();
    if (!this.started) {
      let diffed!: (changed: number) => void;
      let failed!: (e: unknown) => void;
      this.firstDiff = new Promise<number>((resolve, reject) => {
        diffed = resolve;
        failed = reject;
      });
      // Nobody may be waiting on it (start() called by the extension to warm up).
      this.firstDiff.catch(() => undefined);
      this.started = this.open()
        .then((reset) => this.runReconcile(reset, diffed))
        .catch((e: unknown) => {
          failed(e);
          throw e;
        });
      // Whoever awaits start() sees a failure; when a search went ahead without waiting for a long
      // indexing job, nobody does, so it is logged instead of left unhandled.
      this.started.catch((e: unknown) => {
        if (this.answeredBeforeIndexed) this.logger.warn(`search index: ${(e as Error).message}`);
      });
    }
    return this.started;
  }

  async reconcile(): Promise<ReconcileReport> {
    await this.open();
    return this.runReconcile(undefined);
  }

  /** Empties the collection and embeds every playbook again. */
  async rebuild(): Promise<ReconcileReport> {
    this.warmModel();
    await this.open();
    await this.enqueue(async () => {
      await this.embedded.clear();
      this.keywords.clear();
      this.payloadIndex.clear();
    });
    return this.runReconcile('rebuild requested');
  }

  async searchLocalPlaybooks(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    const filter = validateSearch(query, options);
    const limit = options.limit ?? 10;
    const first = !this.started;
    const warnings: string[] = [];
    const started = this.start();
    const reset = await this.open();
    // A few changed playbooks are indexed before answering (seconds at most); a big first
    // indexing job (hundreds of new playbooks) goes on in the background and the search answers
    // from what is indexed so far, saying so.
    if ((await this.firstDiff!) <= EMBED_CHUNK) {
      const report = await started;
      if (first) warnings.push(...report.warnings);
    } else this.answeredBeforeIndexed = true;
    if (first && reset && reset !== 'no index yet') warnings.push(reset);
    if (this.pendingIndexing > 0) warnings.push(`still indexing ${this.pendingIndexing} playbook(s) in the background; results may be incomplete`);
    await this.queue;
    let backend: SearchResponse['backend'] = 'embedded';
    let vectors: VectorStore = this.embedded;
    if (this.remote) {
      try {
        await this.ensureRemote();
        vectors = this.remote;
        backend = 'qdrant';
      } catch (e) {
        warnings.push(this.remoteWarning(e));
      }
    }
    const run = (store: VectorStore) =>
      rankPlaybooks({ query, limit, ...(filter ? { filter } : {}) }, { keywords: this.keywords, vectors: store, embedder: this.queryEmbedder, payloadOf: this.payloadOf }, this.ranking);
    let hits: SearchHit[];
    try {
      hits = await run(vectors);
    } catch (e) {
      if (vectors === this.embedded || !isUnreachable(e)) throw e;
      warnings.push(this.remoteWarning(e));
      this.remoteReady = undefined;
      backend = 'embedded';
      hits = await run(this.embedded);
    }
    // Returned, not logged: the caller shows them (the CLI on stderr, the extension in its UI).
    return { hits, backend, warnings: [...new Set(warnings)] };
  }

  /** Indexes (or re-indexes) one playbook now; the seed's add_to_rag. */
  async addToRag(playbook: Playbook): Promise<void> {
    await this.open();
    await this.enqueue(async () => {
      const payload = await payloadFromPlaybook(playbook, (p, s) => this.options.store.readScript(p, s));
      await this.upsertPayloads([payload]);
      this.scheduleFlush();
    });
  }

  /** The seed's remove_from_rag. Removing an id that is not indexed is not an error. */
  async removeFromRag(playbookId: string): Promise<void> {
    await this.open();
    await this.enqueue(async () => {
      await this.removeIds([playbookId]);
      this.scheduleFlush();
    });
  }

  /**
   * The server's agent answers with references (id + version) into the tenant and library
   * collections; the ones the user has locally resolve to full playbooks from the store.
   */
  async resolveReferences(refs: readonly { playbook_id: string; version: string }[]): Promise<ResolvedReference[]> {
    return mapLimit(refs, 8, async (ref) => {
      try {
        const playbook = await this.options.store.getPlaybook(ref.playbook_id, ref.version);
        return { playbook_id: ref.playbook_id, version: ref.version, found: true as const, playbook };
      } catch (e) {
        if (e instanceof NotFoundError || (isEscherError(e) && e.code === 'VALIDATION')) {
          return { playbook_id: ref.playbook_id, version: ref.version, found: false as const, reason: e.message };
        }
        throw e;
      }
    });
  }

  async status(): Promise<IndexStatus> {
    await this.open();
    await this.queue;
    const summaries = await this.options.store.listPlaybooks();
    const catalog = new Map((await this.embedded.catalog()).map((c) => [c.id, c]));
    let stale = 0;
    for (const s of summaries) {
      const c = catalog.get(s.playbook_id);
      if (!c || c.content_hash !== s.content_hash || c.area !== s.area || c.version !== s.version) stale++;
    }
    const present = new Set(summaries.map((s) => s.playbook_id));
    for (const id of catalog.keys()) if (!present.has(id)) stale++;
    const fileBytes = await fs.stat(this.embedded.file).then(
      (st) => st.size,
      () => null,
    );
    let qdrant: IndexStatus['qdrant'] = null;
    if (this.remote) {
      const url = this.remote.location;
      try {
        await this.ensureRemote();
        qdrant = { url, reachable: true, points: await this.remote.count() };
      } catch (e) {
        qdrant = { url, reachable: false, error: redact((e as Error).message) };
      }
    }
    return {
      model: this.embedder.id,
      dimension: await this.embedder.dimension(),
      indexed: await this.embedded.count(),
      playbooks: summaries.length,
      stale,
      file: this.embedded.file,
      fileBytes,
      qdrant,
    };
  }

  /** Writes pending changes to disk now (the CLI calls this before exiting). */
  async flush(): Promise<void> {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    if (!this.opened) return;
    await this.enqueue(() => this.embedded.flush());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscription?.dispose();
    this.flushTimer?.cancel();
    const pending = this.opened ? this.enqueue(() => this.embedded.flush()) : Promise.resolve();
    void pending
      .catch((e: unknown) => this.logger.warn(`could not save the search index: ${(e as Error).message}`))
      .finally(() => {
        void this.embedder.dispose();
        void this.remote?.close();
      });
  }

  /** Disposes and waits until the index is written and the model worker has stopped. */
  async close(): Promise<void> {
    this.subscription?.dispose();
    this.flushTimer?.cancel();
    const wasOpen = this.opened && !this.disposed;
    this.disposed = true;
    if (wasOpen) await this.enqueue(() => this.embedded.flush());
    await this.embedder.dispose();
    await this.remote?.close();
  }

  // ---------------------------------------------------------------------------------------------

  private readonly payloadOf = (id: string): PlaybookPayload | undefined => this.payloadIndex.get(id);
  private payloadIndex = new Map<string, PlaybookPayload>();

  private open(): Promise<string | undefined> {
    this.opened ??= (async () => {
      const identity = { modelId: this.embedder.id, dimension: await this.embedder.dimension() };
      const result = await this.embedded.open(identity);
      this.payloadIndex = new Map(this.embedded.payloads().map((p) => [p.playbook_id, p]));
      this.keywords = this.loadKeywordIndex();
      this.embedded.keywordIndexProvider = () => ({ version: KEYWORD_INDEX_VERSION, json: this.keywords.toJSON() });
      this.subscription = this.options.store.onDidChange((c) => this.onStoreChange(c));
      return result.reset ? result.reason : undefined;
    })();
    return this.opened;
  }

  /** Starts loading the model while the index loads (a failure surfaces on the first embed). `status` does not need it. */
  private warmModel(): void {
    this.embedder.preload().catch(() => undefined);
  }

  /** The saved keyword index when it was written by this code version for these payloads, else rebuilt. */
  private loadKeywordIndex(): KeywordIndex {
    const saved = this.embedded.loadedKeywordIndex;
    if (saved && saved.version === KEYWORD_INDEX_VERSION) {
      try {
        const idx = KeywordIndex.fromJSON(saved.json);
        if (idx.size === this.payloadIndex.size && [...this.payloadIndex.keys()].every((id) => idx.has(id))) return idx;
      } catch {
        // Fall through to a rebuild: the saved index is a cache.
      }
    }
    const idx = KeywordIndex.empty();
    for (const p of this.payloadIndex.values()) idx.set(p);
    // Save the rebuilt index with the next flush, so the next process can load it.
    if (this.payloadIndex.size) this.embedded.markDirty();
    return idx;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private onStoreChange(change: StoreChange): void {
    if (this.disposed) return;
    void this.enqueue(() => this.syncOne(change.playbookId)).catch((e: unknown) =>
      this.logger.warn(`search index: could not update ${change.playbookId}: ${(e as Error).message}`),
    );
  }

  /** Brings one playbook id in line with the store (created, updated, moved, deleted). */
  private async syncOne(id: string): Promise<void> {
    let playbook: Playbook | undefined;
    try {
      playbook = await this.options.store.getPlaybook(id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
    if (!playbook) await this.removeIds([id]);
    else await this.upsertPayloads([await payloadFromPlaybook(playbook, (p, s) => this.options.store.readScript(p, s))]);
    this.scheduleFlush();
  }

  /**
   * Reconcile in steps that each hold the mutation queue briefly: the comparison (and removals),
   * then one step per chunk of changed playbooks. Change events and searches get in between the
   * chunks instead of waiting for a long first indexing to finish.
   */
  private runReconcile(reset: string | undefined, onDiff?: (changed: number) => void): Promise<ReconcileReport> {
    const run = this.reconciling.then(() => this.reconcileSteps(reset, onDiff));
    this.reconciling = run.catch(() => undefined);
    return run;
  }

  private async reconcileSteps(reset: string | undefined, onDiff?: (changed: number) => void): Promise<ReconcileReport> {
    const report: ReconcileReport = { added: 0, updated: 0, removed: 0, unchanged: 0, embedded: 0, warnings: [], ...(reset ? { reset } : {}) };
    const changed = await this.enqueue(async () => {
      const summaries = await this.options.store.listPlaybooks();
      const catalog = new Map((await this.embedded.catalog()).map((c) => [c.id, c]));
      const ids: string[] = [];
      for (const s of summaries) {
        const c = catalog.get(s.playbook_id);
        catalog.delete(s.playbook_id);
        if (!c) {
          ids.push(s.playbook_id);
          report.added++;
        } else if (c.content_hash !== s.content_hash || c.version !== s.version || c.area !== s.area) {
          ids.push(s.playbook_id);
          report.updated++;
        } else report.unchanged++;
      }
      const gone = [...catalog.keys()];
      await this.removeIds(gone);
      report.removed = gone.length;
      return ids;
    });
    this.pendingIndexing = changed.length;
    onDiff?.(changed.length);
    try {
      // Chunks keep memory flat, and an interrupted rebuild keeps what it finished.
      for (let i = 0; i < changed.length; i += EMBED_CHUNK) {
        // Closed meanwhile: stop (the next process's reconcile picks up where this one ended).
        if (this.disposed) break;
        const chunk = changed.slice(i, i + EMBED_CHUNK);
        await this.enqueue(async () => {
          const payloads: PlaybookPayload[] = [];
          await mapLimit(chunk, 8, async (id) => {
            try {
              const pb = await this.options.store.getPlaybook(id);
              payloads.push(await payloadFromPlaybook(pb, (p, s) => this.options.store.readScript(p, s)));
            } catch (e) {
              // One unreadable playbook (hand-edited into invalid JSON, say) must not stop the rest.
              report.warnings.push(`search index skips ${id}: ${(e as Error).message}`);
              await this.removeIds([id]);
            }
          });
          report.embedded += await this.upsertPayloads(payloads);
        });
        this.pendingIndexing = Math.max(0, changed.length - i - chunk.length);
      }
    } finally {
      this.pendingIndexing = 0;
    }
    await this.enqueue(async () => {
      await this.embedded.flush();
      if (this.remote && !this.disposed) {
        try {
          await this.ensureRemote(true);
        } catch (e) {
          report.warnings.push(this.remoteWarning(e));
        }
      }
    });
    this.logger.info(`search index: +${report.added} ~${report.updated} -${report.removed} (${report.embedded} embedded)`);
    return report;
  }

  /** Upserts payloads, embedding only those whose embedded text changed. Returns how many were embedded. */
  private async upsertPayloads(payloads: readonly PlaybookPayload[]): Promise<number> {
    if (!payloads.length) return 0;
    const existing = new Map((await this.embedded.get(payloads.map((p) => p.playbook_id))).map((pt) => [pt.id, pt]));
    const points: VectorPoint[] = [];
    const toEmbed: PlaybookPayload[] = [];
    for (const p of payloads) {
      const old = existing.get(p.playbook_id);
      if (old && old.payload.embed_hash === p.embed_hash) points.push({ id: p.playbook_id, vector: old.vector, payload: p });
      else toEmbed.push(p);
    }
    const vectors = await this.embedder.embed(toEmbed.map(embeddingText));
    toEmbed.forEach((p, i) => points.push({ id: p.playbook_id, vector: vectors[i]!, payload: p }));
    await this.embedded.upsert(points);
    for (const p of payloads) {
      this.payloadIndex.set(p.playbook_id, p);
      this.keywords.set(p);
    }
    if (this.remote && this.remoteReady) await this.remote.upsert(points).catch((e: unknown) => this.remoteFailed(e));
    return toEmbed.length;
  }

  private async removeIds(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.embedded.delete(ids);
    for (const id of ids) {
      this.payloadIndex.delete(id);
      this.keywords.remove(id);
    }
    if (this.remote && this.remoteReady) await this.remote.delete(ids).catch((e: unknown) => this.remoteFailed(e));
  }

  /** Opens Qdrant and mirrors the embedded collection into it (once per process, or again when forced). */
  private ensureRemote(force = false): Promise<void> {
    if (!this.remote) return Promise.resolve();
    if (force) this.remoteReady = undefined;
    this.remoteReady ??= (async () => {
      const identity = { modelId: this.embedder.id, dimension: await this.embedder.dimension() };
      await this.remote!.open(identity);
      await mirrorInto(this.embedded, this.remote!);
    })();
    const p = this.remoteReady;
    p.catch(() => {
      if (this.remoteReady === p) this.remoteReady = undefined;
    });
    return p;
  }

  private remoteFailed(e: unknown): void {
    this.remoteReady = undefined;
    this.logger.warn(this.remoteWarning(e));
  }

  private remoteWarning(e: unknown): string {
    return `Qdrant at ${this.remote?.location ?? this.options.config.search.qdrantUrl} is unavailable (${redact((e as Error).message)}); searching the embedded index instead`;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.disposed) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      void this.enqueue(() => this.embedded.flush()).catch((e: unknown) => this.logger.warn(`could not save the search index: ${(e as Error).message}`));
    }, this.flushDelayMs);
  }
}
