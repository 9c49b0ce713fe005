import type { PlaybookService } from '../../core/service';
import type { Logger } from '../../core/shared/logger';

/**
 * Whether this window uses the search index, and keeping the index current while it does. The
 * index and its embedding model load on the first search, never at activation; from then on a
 * change made outside the extension (the CLI, a hand edit) is reconciled into the index — by
 * content hash, so an unchanged playbook costs a stat, not an embedding. Before the first search
 * an outside change costs nothing.
 */
export class SearchIndexUse {
  private inUse = false;

  constructor(
    /** The service, built on demand. */
    private readonly service: () => Promise<PlaybookService>,
    /** The service if it is already built (an outside change must not build one). */
    private readonly builtService: () => PlaybookService | undefined,
    private readonly log: Logger,
  ) {}

  /** The user opened search: from now on the index is in use. Warms it while the first words are typed. */
  start(): void {
    this.inUse = true;
    void this.service()
      .then((svc) => svc.search.start())
      .catch((e: unknown) => this.log.warn(`search index: ${String(e)}`));
  }

  /** Files changed outside the extension: reconcile the index, when search is in use. */
  afterOutsideChange(): void {
    const svc = this.builtService();
    if (!this.inUse || !svc) return;
    svc.search.reconcile().catch((e: unknown) => this.log.warn(`search reconcile after an outside change failed: ${String(e)}`));
  }
}
