import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PublishedMetadata } from '../escher-api/types';
import { tempSibling } from '../shared/atomic-fs';
import { ValidationError } from '../shared/errors';
import { validatePlaybookId } from '../shared/safe-path';
import { sha256 } from '../shared/hash';
import { canonicalJson } from '../escher-api/content-hash';

const HASH = /^[0-9a-f]{64}$/;

/**
 * Merge bases: `$ESCHER_HOME/sync/base/<id>.<content_hash>.json` = `{"checksum": sha256(canonical
 * metadata), "metadata": PublishedMetadata}`, the published metadata both sides last agreed on.
 * Read only when a conflict needs a three-way merge. Verified on read: a base whose content does
 * not match its checksum, or is not the one the sync state expects, is treated as absent, which
 * makes every differing field a collision (keep both) rather than a wrong merge.
 *
 * Named by content hash, and an old base is removed only once a sync state that no longer names
 * it is on disk (`prune`, after each save): the base sync_state.json expects is always there, even
 * when a process is killed between recording a new agreement and saving it. (One file per id,
 * overwritten in place, lost exactly that base then — and a lost base turns an edit made on one
 * device into a false conflict.)
 */
export class BaseStore {
  /** Per playbook, bases that may be on disk and stale after the next save (written, or agreed before). */
  private readonly candidates = new Map<string, Set<string>>();

  constructor(readonly dir: string) {}

  private file(id: string, hash: string): string {
    if (!HASH.test(hash)) throw new ValidationError(`Invalid content hash "${hash.slice(0, 80)}" for a merge base`);
    return path.join(this.dir, `${validatePlaybookId(id)}.${hash}.json`);
  }

  /** The single file per id of earlier versions of this program, read when no named one exists. */
  private legacyFile(id: string): string {
    return path.join(this.dir, `${validatePlaybookId(id)}.json`);
  }

  private note(id: string, hash: string | undefined): void {
    if (hash === undefined || !HASH.test(hash)) return;
    const set = this.candidates.get(id) ?? new Set<string>();
    set.add(hash);
    this.candidates.set(id, set);
  }

  /**
   * Atomic (temp + rename) but not fsynced: a base lost to a power cut is detected on read and
   * costs only a more conservative merge (keep both), and skipping the fsync keeps a publish
   * at one durable write (sync_state.json). `previous`: the hash agreed before, dropped once the
   * state naming this one is saved.
   */
  async put(metadata: PublishedMetadata, previous?: string): Promise<void> {
    const target = this.file(metadata.playbook_id, metadata.content_hash);
    this.note(metadata.playbook_id, previous);
    this.note(metadata.playbook_id, metadata.content_hash);
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
    if (!HASH.test(expectedHash)) return undefined;
    const m = (await this.read(this.file(id, expectedHash))) ?? (await this.read(this.legacyFile(id)));
    return m && m.content_hash === expectedHash ? m : undefined;
  }

  private async read(file: string): Promise<PublishedMetadata | undefined> {
    let parsed: { checksum?: unknown; metadata?: PublishedMetadata };
    try {
      parsed = JSON.parse(await fs.readFile(file, 'utf8')) as typeof parsed;
    } catch {
      return undefined;
    }
    const m = parsed.metadata;
    return m && parsed.checksum === sha256(canonicalJson(m)) ? m : undefined;
  }

  /** Nothing is agreed on `id` any more: its bases go at the next prune. */
  forget(id: string, agreedHash: string | undefined): void {
    this.note(id, agreedHash);
    if (!this.candidates.has(id)) this.candidates.set(id, new Set());
  }

  /**
   * After `playbooks` (the state just saved) is on disk: removes the bases of the playbooks
   * touched since the last prune that it no longer names.
   */
  async prune(playbooks: Readonly<Record<string, { remote_hash: string }>>): Promise<void> {
    const touched = [...this.candidates];
    this.candidates.clear();
    for (const [id, hashes] of touched) {
      const keep = Object.hasOwn(playbooks, id) ? playbooks[id]?.remote_hash : undefined;
      for (const h of hashes) if (h !== keep) await fs.rm(this.file(id, h), { force: true });
      await fs.rm(this.legacyFile(id), { force: true });
    }
  }
}
