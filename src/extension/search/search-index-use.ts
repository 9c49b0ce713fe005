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

  /**
   * The user opened search: from now on the index is in use. Warms it (model load, reconcile)
   * while the first words are typed; the search itself waits for it. Never rejects: a failure is
   * logged, and the search shows its own error.
   */
  async start(): Promise<void> {
    this.inUse = true;
    try {
      await (await this.service()).search.start();
    } catch (e) {
      this.log.warn(`search index: ${String(e)}`);
    }
  }

  /** Files changed outside the extension: reconcile the index, when search is in use. Never rejects. */
  async afterOutsideChange(): Promise<void> {
    const svc = this.builtService();
    if (!this.inUse || !svc) return;
    try {
      await svc.search.reconcile();
    } catch (e) {
      this.log.warn(`search reconcile after an outside change failed: ${String(e)}`);
    }
  }
}
