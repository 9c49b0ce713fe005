import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PublishedMetadata } from '../escher-api/types';
import { tempSibling } from '../shared/atomic-fs';
import { validatePlaybookId } from '../shared/safe-path';
import { sha256 } from '../shared/hash';
import { canonicalJson } from '../escher-api/content-hash';

/**
 * Merge bases: `$ESCHER_HOME/sync/base/<id>.json` = `{"checksum": sha256(canonical metadata),
 * "metadata": PublishedMetadata}`, the published metadata both sides last agreed on. Read only when a conflict needs a three-way merge. Verified on read: a base whose
 * content_hash does not match its content, or is not the one the sync state expects, is treated
 * as absent, which makes every differing field a collision (keep both) rather than a wrong merge.
 */
export class BaseStore {
  constructor(readonly dir: string) {}

  private file(id: string): string {
    return path.join(this.dir, `${validatePlaybookId(id)}.json`);
  }

  /**
   * Atomic (temp + rename) but not fsynced: a base lost to a power cut is detected on read and
   * costs only a more conservative merge (keep both), and skipping the fsync keeps a publish
   * at one durable write (sync_state.json).
   */
  async put(metadata: PublishedMetadata): Promise<void> {
    const target = this.file(metadata.playbook_id);
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = tempSibling(target);
    try {
      await fs.writeFile(tmp, JSON.stringify({ checksum: sha256(canonicalJson(metadata)), metadata }));
      await fs.rename(tmp, target);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async get(id: string, expectedHash: string): Promise<PublishedMetadata | undefined> {
    let parsed: { checksum?: unknown; metadata?: PublishedMetadata };
    try {
      parsed = JSON.parse(await fs.readFile(this.file(id), 'utf8')) as typeof parsed;
    } catch {
      return undefined;
    }
    const m = parsed.metadata;
    if (!m || m.content_hash !== expectedHash || parsed.checksum !== sha256(canonicalJson(m))) return undefined;
    return m;
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.file(id), { force: true });
  }
}
