import type { Logger } from '../shared/logger';
import { redact } from '../shared/logger';
import type { EmbeddedVectorStore } from './embedded-store';
import { mirrorInto } from './mirror';
import type { IndexStatus, SearchResponse } from './search-api';
import { isUnreachable } from './search-api';
import type { CollectionIdentity, VectorPoint, VectorStore } from './vector-store';

/**
 * Qdrant (or any remote VectorStore) kept as a copy of the embedded collection: vectors are
 * copied, never embedded twice. The remote is only ever a mirror: when it cannot be reached,
 * searches fall back to the embedded store with a warning, and writes are dropped until the next
 * `ensure` copies whatever it missed (mirror.ts compares content hashes, so that is cheap).
 *
 * "In step" is one memoised promise: set by `ensure` (opening the collection and copying the
 * differences), cleared by any failure, so the next search or reconcile tries again.
 */
export class RemoteMirror {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly remote: VectorStore,
    private readonly source: EmbeddedVectorStore,
    private readonly identity: () => Promise<CollectionIdentity>,
    private readonly logger: Logger,
  ) {}

  /** Opens the remote collection and copies the embedded one into it, once (again when `force`d, after a reconcile). */
  ensure(force = false): Promise<void> {
    if (force) this.ready = undefined;
    if (!this.ready) {
      const attempt = (async () => {
        await this.remote.open(await this.identity());
        await mirrorInto(this.source, this.remote);
      })();
      this.ready = attempt;
      attempt.catch(() => {
        if (this.ready === attempt) this.ready = undefined;
      });
    }
    return this.ready;
  }

  /** Forwards a write while the mirror is (or is becoming) in step; a failure is logged and drops it out of step. */
  async upsert(points: readonly VectorPoint[]): Promise<void> {
    if (this.ready && points.length) await this.remote.upsert(points).catch((e: unknown) => this.lost(e));
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (this.ready && ids.length) await this.remote.delete(ids).catch((e: unknown) => this.lost(e));
  }

  /**
   * Runs `query` on the remote when it is in step, else on `fallback` (the embedded store); an
   * unreachable remote mid-query is retried on the fallback. Warnings go to `warnings`.
   */
  async answer<T>(query: (store: VectorStore) => Promise<T>, fallback: VectorStore, warnings: string[]): Promise<{ result: T; backend: SearchResponse['backend'] }> {
    try {
      await this.ensure();
    } catch (e) {
      warnings.push(this.warning(e));
      return { result: await query(fallback), backend: 'embedded' };
    }
    try {
      return { result: await query(this.remote), backend: 'qdrant' };
    } catch (e) {
      if (!isUnreachable(e)) throw e;
      warnings.push(this.warning(e));
      this.ready = undefined;
      return { result: await query(fallback), backend: 'embedded' };
    }
  }

  async status(): Promise<NonNullable<IndexStatus['qdrant']>> {
    const url = this.remote.location;
    try {
      await this.ensure();
      return { url, reachable: true, points: await this.remote.count() };
    } catch (e) {
      return { url, reachable: false, error: redact((e as Error).message) };
    }
  }

  warning(e: unknown): string {
    return `Qdrant at ${this.remote.location} is unavailable (${redact((e as Error).message)}); searching the embedded index instead`;
  }

  close(): Promise<void> {
    return this.remote.close();
  }

  private lost(e: unknown): void {
    this.ready = undefined;
    this.logger.warn(this.warning(e));
  }
}
