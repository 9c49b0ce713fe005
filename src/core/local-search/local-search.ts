import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import type { PlaybookConfig } from '../shared/config';
import { NotFoundError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { silentLogger } from '../shared/logger';
import { SerialQueue } from '../shared/serial-queue';
import type { Disposable, Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { CollectionIndex } from './collection-index';
import type { Embedder } from './embedder';
import { createEmbedder } from './embedder-factory';
import { DEFAULT_RANKING, rankSources } from './hybrid-ranker';
import type { HitSource, RankingOptions, RankSource, SearchHit } from './hybrid-ranker';
import type { PlaybookPayload } from './payload';
import { payloadFromPlaybook } from './payload-builder';
import { cachingQueryEmbedder } from './query-cache';
import { EMBED_CHUNK, type IndexWriter, type ReconcileRun, Reconciler } from './reconciler';
import { resolveReferences } from './references';
import { RemoteMirror } from './remote-mirror';
import type { IndexReconcileReport, IndexStatus, ResolvedReference, SearchOptions, SearchResponse } from './search-api';
import { validateSearch } from './search-api';
import type { VectorStore } from './vector-store';

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

/**
 * The seed's Local RAG Manager: the user_playbooks collection (collection-index.ts) kept in step
 * with the playbook files and searched with hybrid (keyword + semantic) ranking. This class only
 * orders the work; the parts are:
 *  - CollectionIndex: vectors, payloads and keywords of every playbook, persisted to one file;
 *  - Reconciler: start-up / `index rebuild` / file-watcher reconciles by content hash;
 *  - RemoteMirror: Qdrant, when configured, fed from the embedded vectors, asked first by searches;
 *  - store change events: one playbook each, applied at once.
 * Every index write runs on one queue, so events and reconcile steps never interleave.
 */
export class LocalSearch implements Disposable {
  readonly embedder: Embedder;
  /** The model behind a cache of recent query vectors (what searches embed queries with). */
  readonly queryEmbedder: Embedder;
  private readonly index: CollectionIndex;
  private readonly mirror: RemoteMirror | undefined;
  private readonly reconciler: Reconciler;
  /** Collection writes, forwarded to the mirror. Callers hold the queue. */
  private readonly writer: IndexWriter;
  private readonly queue = new SerialQueue();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly ranking: RankingOptions;
  private readonly flushDelayMs: number;
  private opened: Promise<string | undefined> | undefined;
  private startup: ReconcileRun | undefined;
  /** A search answered before the start-up reconcile ended: nobody awaits it, so its failure is logged. */
  private answeredBeforeIndexed = false;
  private subscription: Disposable | undefined;
  private flushTimer: { cancel(): void } | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: LocalSearchOptions) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.embedder = options.embedder ?? createEmbedder(options.config.search);
    this.queryEmbedder = cachingQueryEmbedder(this.embedder);
    this.index = new CollectionIndex(path.join(options.config.home, SEARCH_DIR), this.clock, this.embedder);
    this.mirror = options.remote ? new RemoteMirror(options.remote, this.index.vectors, () => this.index.identity(), this.logger) : undefined;
    this.writer = indexWriter(this.index, this.mirror, options.store);
    // A payload found damaged in the index file lost its point: index that playbook again.
    this.index.vectors.onDamaged = (id, why) => this.resync(id, `search index: ${id} is indexed again (${why})`);
    this.ranking = options.ranking ?? DEFAULT_RANKING;
    this.flushDelayMs = options.flushDelayMs ?? 250;
    this.reconciler = new Reconciler({
      store: options.store,
      index: this.index,
      writer: this.writer,
      queue: this.queue,
      logger: this.logger,
      closed: () => this.closing !== undefined,
      finish: async (report) => {
        await this.index.flush();
        if (this.mirror && !this.closing) await this.mirror.ensure(true).catch((e: unknown) => report.warnings.push(this.mirror!.warning(e)));
      },
    });
  }

  /** Path of the embedded collection file. */
  get indexFile(): string {
    return this.index.file;
  }

  /**
   * Opens the collection, subscribes to store changes and reconciles, once (later calls return
   * the same report); the first search calls it. The model starts loading at once, in parallel
   * with reading the index.
   */
  start(): Promise<IndexReconcileReport> {
    this.warmModel();
    if (!this.startup) {
      const run = this.reconciler.run(this.open());
      // Nobody may wait for the comparison (start() called by the extension to warm up).
      run.changed.catch(() => undefined);
      // Whoever awaits start() sees a failure; when a search went ahead without waiting for a long
      // indexing job, nobody does, so it is logged instead of left unhandled.
      run.report.catch((e: unknown) => {
        if (this.answeredBeforeIndexed) this.logger.warn(`search index: ${(e as Error).message}`);
      });
      this.startup = run;
    }
    return this.startup.report;
  }

  async reconcile(): Promise<IndexReconcileReport> {
    await this.open();
    return this.reconciler.run(undefined).report;
  }

  /** Empties the collection and embeds every playbook again. */
  async rebuild(): Promise<IndexReconcileReport> {
    this.warmModel();
    await this.open();
    await this.queue.run(() => this.index.clear());
    return this.reconciler.run('rebuild requested').report;
  }

  async searchLocalPlaybooks(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    return this.searchWith(query, options, []);
  }

  /**
   * One ranked list over the user's playbooks and `others` (the team and library collections,
   * source-collection.ts), pooled before fusion (hybrid-ranker.ts rankSources); each hit says
   * where it comes from. `includeLocal: false` ranks `others` only (the local index is not opened).
   */
  async searchWith(query: string, options: SearchOptions, others: readonly RankSource[], includeLocal = true): Promise<SearchResponse & { hits: Array<SearchHit & { source: HitSource }> }> {
    const filter = validateSearch(query, options);
    const input = { query, limit: options.limit ?? 10, ...(filter ? { filter } : {}) };
    if (!includeLocal) return { hits: await rankSources(input, others, this.queryEmbedder, this.ranking), backend: 'embedded', warnings: [] };
    const first = !this.startup;
    const warnings: string[] = [];
    const report = this.start();
    const reset = await this.open();
    // A few changed playbooks are indexed before answering (seconds at most); a big first
    // indexing job (hundreds of new playbooks) goes on in the background and the search answers
    // from what is indexed so far, saying so.
    if ((await this.startup!.changed) <= EMBED_CHUNK) {
      const r = await report;
      if (first) warnings.push(...r.warnings);
    } else this.answeredBeforeIndexed = true;
    if (first && reset && reset !== 'no index yet') warnings.push(reset);
    const indexing = this.reconciler.pending;
    if (indexing > 0) warnings.push(`still indexing ${indexing} playbook(s) in the background; results may be incomplete`);
    await this.queue.idle();
    const rank = (vectors: VectorStore) => rankSources(input, [{ source: 'local', keywords: this.index.keywords, vectors, payloadOf: this.index.payloadOf, rowOf: this.index.rowOf }, ...others], this.queryEmbedder, this.ranking);
    const { result: hits, backend } = this.mirror ? await this.mirror.answer(rank, this.index.vectors, warnings) : { result: await rank(this.index.vectors), backend: 'embedded' as const };
    // Returned, not logged: the caller shows them (the CLI on stderr, the extension in its UI).
    return { hits, backend, warnings: [...new Set(warnings)], ...(indexing > 0 ? { indexing } : {}) };
  }

  /** Resolves (never rejects) when the background indexing a search reported (`indexing`) has ended; undefined when none is going on. */
  whenIndexed(): Promise<void> | undefined {
    if (this.reconciler.pending === 0) return undefined;
    return this.reconciler.idle().catch(() => undefined);
  }

  /** Indexes (or re-indexes) one playbook now; the seed's add_to_rag. */
  async addToRag(playbook: Playbook): Promise<void> {
    await this.open();
    await this.queue.run(async () => {
      await this.writer.upsert([await payloadOf(this.options.store, playbook)]);
      this.scheduleFlush();
    });
  }

  /** The seed's remove_from_rag. Removing an id that is not indexed is not an error. */
  async removeFromRag(playbookId: string): Promise<void> {
    await this.open();
    await this.queue.run(async () => {
      await this.writer.remove([playbookId]);
      this.scheduleFlush();
    });
  }

  /** The server agent's references resolved to the user's local playbooks (references.ts). */
  resolveReferences(refs: readonly { playbook_id: string; version: string }[]): Promise<ResolvedReference[]> {
    return resolveReferences(this.options.store, refs);
  }

  async status(): Promise<IndexStatus> {
    await this.open();
    await this.queue.idle();
    const summaries = await this.options.store.listPlaybooks();
    const diff = await this.index.diff(summaries);
    const fileBytes = await fs.stat(this.index.file).then(
      (st) => st.size,
      () => null,
    );
    return {
      model: this.embedder.id,
      dimension: await this.embedder.dimension(),
      indexed: await this.index.count(),
      playbooks: summaries.length,
      stale: diff.added.length + diff.updated.length + diff.gone.length,
      file: this.index.file,
      fileBytes,
      qdrant: this.mirror ? await this.mirror.status() : null,
    };
  }

  /** Writes pending changes to disk now (the CLI calls this before exiting). */
  async flush(): Promise<void> {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    if (!this.opened) return;
    await this.queue.run(() => this.index.flush());
  }

  /** Stops listening, writes pending changes and stops the model worker, in the background (failures are logged). */
  dispose(): void {
    this.close().catch((e: unknown) => this.logger.warn(`could not save the search index: ${(e as Error).message}`));
  }

  /** dispose(), waiting until the index is written and the model worker has stopped. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.subscription?.dispose();
    this.flushTimer?.cancel();
    try {
      if (this.opened) await this.queue.run(() => this.index.close());
    } finally {
      await this.embedder.dispose();
      await this.mirror?.close();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private open(): Promise<string | undefined> {
    this.opened ??= (async () => {
      const reset = await this.index.open();
      if (this.index.loadNote) this.logger.info(`search index: ${this.index.loadNote}`);
      this.subscription = this.options.store.onDidChange((c) => this.resync(c.playbookId));
      return reset;
    })();
    return this.opened;
  }

  /** Starts loading the model while the index loads (a failure surfaces on the first embed). `status` does not need it. */
  private warmModel(): void {
    this.embedder.preload().catch(() => undefined);
  }

  /** Brings one playbook id in line with the store, on the queue (a change event, a damaged payload). */
  private resync(id: string, note?: string): void {
    if (note) this.logger.warn(note);
    if (this.closing) return;
    this.queue.run(() => this.syncOne(id)).catch((e: unknown) => this.logger.warn(`search index: could not update ${id}: ${(e as Error).message}`));
  }

  /** Brings one playbook id in line with the store (created, updated, moved, deleted). */
  private async syncOne(id: string): Promise<void> {
    let payload: PlaybookPayload | undefined;
    try {
      payload = await this.writer.read(id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
    if (payload) await this.writer.upsert([payload]);
    else await this.writer.remove([id]);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closing) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.queue.run(() => this.index.flush()).catch((e: unknown) => this.logger.warn(`could not save the search index: ${(e as Error).message}`));
    }, this.flushDelayMs);
  }
}

function indexWriter(index: CollectionIndex, mirror: RemoteMirror | undefined, store: PlaybookStoreApi): IndexWriter {
  return {
    upsert: async (payloads) => {
      const { points, embedded } = await index.upsert(payloads);
      await mirror?.upsert(points);
      return embedded;
    },
    remove: async (ids) => {
      await index.remove(ids);
      await mirror?.delete(ids);
    },
    read: async (id) => payloadOf(store, await store.getPlaybook(id)),
  };
}

function payloadOf(store: PlaybookStoreApi, playbook: Playbook): Promise<PlaybookPayload> {
  return payloadFromPlaybook(playbook, (p, s) => store.readScript(p, s));
}
