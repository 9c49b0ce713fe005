import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../shared/atomic-fs';
import type { Clock } from '../shared/clock';
import { SerialQueue } from '../shared/serial-queue';
import type { PlaybookMetadata } from '../playbook-store/metadata';
import type { PlaybookSummary } from '../playbook-store/types';
import { CollectionIndex } from './collection-index';
import type { Embedder } from './embedder';
import type { RankSource } from './hybrid-ranker';
import { payloadFromMetadata } from './payload-builder';
import { EMBED_CHUNK } from './reconciler';

/** A team or library playbook as its collection indexes it: the published metadata and its content hash. */
export interface SourceEntry {
  metadata: PlaybookMetadata;
  contentHash: string;
}

export interface SourceSyncReport {
  added: number;
  updated: number;
  removed: number;
  embedded: number;
  /** False when the collection already held the catalog this stamp names (nothing was compared). */
  compared: boolean;
}

/**
 * The search collection of one remote source (the team's catalog or the Escher Library), beside
 * the user_playbooks collection: the same CollectionIndex (vectors, payloads, keywords in one
 * checksummed file, `search/<source>/user_playbooks.idx`), fed from the last-known catalog rather
 * than from the store, so team and library search work offline.
 *
 * `sync(stamp, entries)` brings it in line with the catalog by content hash (only new or changed
 * metadata is embedded; ids no longer listed — deleted, tombstoned — are removed). The catalog's
 * stamp (its feed cursor or listing ETag) is kept beside the file; a sync with the stamp already
 * indexed costs nothing, which is what keeps a search from re-reading 10,000 records.
 * Remote payloads carry area "synced" (a placeholder: area filters only apply to local hits).
 */
export class SourceCollection {
  private readonly index: CollectionIndex;
  private readonly queue = new SerialQueue();
  private readonly stampFile: string;
  private opened: Promise<void> | undefined;
  private stamp: string | undefined;

  constructor(
    dir: string,
    clock: Clock,
    embedder: Embedder,
    readonly source: 'team' | 'library',
  ) {
    this.index = new CollectionIndex(dir, clock, embedder);
    this.stampFile = path.join(dir, 'stamp.json');
  }

  /** Whether `stamp` is what the collection holds (then `sync` would be a no-op). */
  async holds(stamp: string): Promise<boolean> {
    await this.open();
    return this.stamp === stamp;
  }

  async sync(stamp: string, entries: () => Promise<readonly SourceEntry[]>): Promise<SourceSyncReport> {
    await this.open();
    return this.queue.run(async () => {
      const out: SourceSyncReport = { added: 0, updated: 0, removed: 0, embedded: 0, compared: false };
      if (this.stamp === stamp) return out;
      out.compared = true;
      const list = await entries();
      const byId = new Map(list.map((e) => [e.metadata.playbook_id, e]));
      const summaries = list.map((e) => ({ playbook_id: e.metadata.playbook_id, version: e.metadata.version, area: 'synced', content_hash: e.contentHash }) as PlaybookSummary);
      const diff = await this.index.diff(summaries);
      await this.index.remove(diff.gone);
      const changed = [...diff.added, ...diff.updated];
      for (let i = 0; i < changed.length; i += EMBED_CHUNK) {
        const payloads = changed.slice(i, i + EMBED_CHUNK).map((id) => {
          const e = byId.get(id)!;
          return payloadFromMetadata(e.metadata, 'synced', e.contentHash);
        });
        out.embedded += (await this.index.upsert(payloads)).embedded;
      }
      await this.index.flush();
      await writeJsonAtomic(this.stampFile, { stamp });
      this.stamp = stamp;
      Object.assign(out, { added: diff.added.length, updated: diff.updated.length, removed: diff.gone.length });
      return out;
    });
  }

  /** What rankSources needs, once pending writes are done. */
  async rankSource(): Promise<RankSource> {
    await this.open();
    await this.queue.idle();
    return { source: this.source, keywords: this.index.keywords, vectors: this.index.vectors, payloadOf: this.index.payloadOf, rowOf: this.index.rowOf };
  }

  async count(): Promise<number> {
    await this.open();
    return this.index.count();
  }

  private open(): Promise<void> {
    this.opened ??= (async () => {
      const reset = await this.index.open();
      // A collection that starts empty (first run, model change, damaged file) holds no stamp.
      if (reset !== undefined) return;
      try {
        const s = JSON.parse(await fs.readFile(this.stampFile, 'utf8')) as { stamp?: unknown };
        if (typeof s.stamp === 'string') this.stamp = s.stamp;
      } catch {
        // No stamp: the next sync compares everything (by content hash, so nothing is embedded twice).
      }
    })();
    return this.opened;
  }
}
