import type { Logger } from '../shared/logger';
import { mapLimit } from '../shared/map-limit';
import { SerialQueue } from '../shared/serial-queue';
import type { PlaybookStoreApi } from '../playbook-store/types';
import type { CollectionIndex } from './collection-index';
import type { PlaybookPayload } from './payload';
import type { IndexReconcileReport } from './search-api';

/** Playbooks indexed per step of the mutation queue. Also where a search stops waiting for a start-up reconcile. */
export const EMBED_CHUNK = 64;
const READ_CONCURRENCY = 8;

/** Index writes as the orchestrator makes them (the collection plus its remote mirror). */
export interface IndexWriter {
  /** Returns how many texts went to the model. */
  upsert(payloads: readonly PlaybookPayload[]): Promise<number>;
  remove(ids: readonly string[]): Promise<void>;
  /** Reads one playbook's payload from the store (throws when it is gone or unreadable). */
  read(id: string): Promise<PlaybookPayload>;
}

export interface ReconcilerDeps {
  store: PlaybookStoreApi;
  index: CollectionIndex;
  writer: IndexWriter;
  /** The mutation queue every index write runs on. */
  queue: SerialQueue;
  /** Runs last, on the queue: persist and bring the mirror in step. Warnings go into the report. */
  finish(report: IndexReconcileReport): Promise<void>;
  closed(): boolean;
  logger: Logger;
}

/** A reconcile under way: `changed` settles as soon as the comparison is done, `report` at the end. */
export interface ReconcileRun {
  changed: Promise<number>;
  report: Promise<IndexReconcileReport>;
}

/**
 * Brings the collection in line with the store by content hash: only new or changed playbooks are
 * read, only those whose embedded text changed are embedded (a no-op reconcile embeds nothing).
 *
 * Runs in steps that each hold the mutation queue briefly — the comparison (and removals), then
 * one step per chunk of changed playbooks — so change events and searches get in between the
 * chunks instead of waiting for a long first indexing to finish. Reconciles themselves run one
 * after the other, so nothing is embedded twice.
 */
export class Reconciler {
  private readonly runs = new SerialQueue();
  /** Playbooks found changed by the running reconcile and not indexed yet. */
  private pendingCount = 0;

  constructor(private readonly d: ReconcilerDeps) {}

  get pending(): number {
    return this.pendingCount;
  }

  /** Settles when every reconcile asked for so far has ended. */
  idle(): Promise<void> {
    return this.runs.idle();
  }

  /** `reset`: why the collection was emptied first (reported), awaited inside the run. */
  run(reset: Promise<string | undefined> | string | undefined): ReconcileRun {
    const planned = this.runs.run(() => this.compare(reset));
    const report = this.runs.run(async () => this.indexChanged(await planned));
    return { changed: planned.then((p) => p.ids.length), report };
  }

  private async compare(reset: Promise<string | undefined> | string | undefined): Promise<{ report: IndexReconcileReport; ids: string[] }> {
    const why = await reset;
    const plan = await this.d.queue.run(async () => {
      const diff = await this.d.index.diff(await this.d.store.listPlaybooks());
      await this.d.writer.remove(diff.gone);
      const report: IndexReconcileReport = {
        added: diff.added.length,
        updated: diff.updated.length,
        removed: diff.gone.length,
        unchanged: diff.unchanged,
        embedded: 0,
        warnings: [],
        ...(why ? { reset: why } : {}),
      };
      return { report, ids: [...diff.added, ...diff.updated] };
    });
    // Set before anyone learns the count, so a search that goes ahead says what is still missing.
    this.pendingCount = plan.ids.length;
    return plan;
  }

  private async indexChanged({ report, ids }: { report: IndexReconcileReport; ids: string[] }): Promise<IndexReconcileReport> {
    try {
      // Chunks keep memory flat, and an interrupted rebuild keeps what it finished.
      for (let i = 0; i < ids.length; i += EMBED_CHUNK) {
        // Closed meanwhile: stop (the next process's reconcile picks up where this one ended).
        if (this.d.closed()) break;
        const chunk = ids.slice(i, i + EMBED_CHUNK);
        await this.d.queue.run(async () => {
          const payloads: PlaybookPayload[] = [];
          await mapLimit(chunk, READ_CONCURRENCY, async (id) => {
            try {
              payloads.push(await this.d.writer.read(id));
            } catch (e) {
              // One unreadable playbook (hand-edited into invalid JSON, say) must not stop the rest.
              report.warnings.push(`search index skips ${id}: ${(e as Error).message}`);
              await this.d.writer.remove([id]);
            }
          });
          report.embedded += await this.d.writer.upsert(payloads);
        });
        this.pendingCount = Math.max(0, ids.length - i - chunk.length);
      }
    } finally {
      this.pendingCount = 0;
    }
    await this.d.queue.run(() => this.d.finish(report));
    this.d.logger.info(`search index: +${report.added} ~${report.updated} -${report.removed} (${report.embedded} embedded)`);
    return report;
  }
}
