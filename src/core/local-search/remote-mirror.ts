import type { Logger } from '../shared/logger';
import { redact } from '../shared/logger';
import type { EmbeddedVectorStore } from './embedded-store';
import { mirrorInto } from './mirror';
import type { IndexStatus, SearchResponse } from './search-api';
import { isUnreachable } from './search-api';
import type { CatalogEntry, CollectionIdentity, VectorPoint, VectorStore } from './vector-store';
import { WithheldSearch, isWithheld } from './withheld-search';

/**
 * Qdrant (or any remote VectorStore) kept as a copy of the embedded collection: vectors are
 * copied, never embedded twice. The remote is only ever a mirror: when it cannot be reached,
 * searches fall back to the embedded store with a warning, and writes are dropped until the next
 * `ensure` copies whatever it missed (mirror.ts compares content hashes, so that is cheap).
 *
 * "In step" is one memoised promise: set by `ensure` (opening the collection and copying the
 * differences), cleared by any failure, so the next search or reconcile tries again.
 *
 * What it holds: a Qdrant on this machine (a loopback URL) gets every point, payload included
 * (payload.ts: metadata, small non-sensitive script bodies). A Qdrant elsewhere never gets a
 * local_only playbook — no point, no payload, no vector; one that becomes local_only is deleted
 * there — and searches then merge its answer with the embedded store's for those playbooks
 * (withheld-search.ts), so results are the same either way.
 */
export class RemoteMirror {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly remote: VectorStore,
    private readonly source: EmbeddedVectorStore,
    private readonly identity: () => Promise<CollectionIdentity>,
    private readonly logger: Logger,
  ) {}

  /** Whether local_only playbooks are kept out (the remote is not on this machine). */
  private get withholding(): boolean {
    return this.remote.onThisMachine !== true;
  }

  /** Ids the remote must not hold, from the embedded collection as it is now. */
  private withheld(): Set<string> {
    if (!this.withholding) return new Set();
    return new Set(this.source.payloads().filter(isWithheld).map((p) => p.playbook_id));
  }

  /** Opens the remote collection and copies the embedded one into it, once (again when `force`d, after a reconcile). */
  ensure(force = false): Promise<void> {
    if (force) this.ready = undefined;
    if (!this.ready) {
      const attempt = (async () => {
        await this.remote.open(await this.identity());
        const withheld = this.withheld();
        const shared = { catalog: async (): Promise<CatalogEntry[]> => (await this.source.catalog()).filter((c) => !withheld.has(c.id)), get: (ids: readonly string[]) => this.source.get(ids) };
        await mirrorInto(shared, this.remote);
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
    if (!this.ready || !points.length) return;
    const kept = this.withholding ? points.filter((p) => isWithheld(p.payload)) : [];
    const shared = kept.length ? points.filter((p) => !isWithheld(p.payload)) : points;
    try {
      if (shared.length) await this.remote.upsert(shared);
      // A playbook whose latest version became local_only leaves the remote.
      if (kept.length) await this.remote.delete(kept.map((p) => p.id));
    } catch (e) {
      this.lost(e);
    }
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
    const withheld = this.withheld();
    try {
      return { result: await query(withheld.size ? new WithheldSearch(this.remote, fallback, withheld) : this.remote), backend: 'qdrant' };
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
