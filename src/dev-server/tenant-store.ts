import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PlaybookRecord } from '../core/escher-api/types';
import { sha256 } from '../core/shared/hash';
import { readJson, writeJson } from './persist';

export interface VectorInfo {
  sha256: string;
  model: string | null;
}

interface StoredRecord {
  format: 1;
  record: PlaybookRecord;
  vectors: Record<string, VectorInfo>;
}

export interface IdempotentResponse {
  fingerprint: string;
  status: number;
  body: unknown;
  at: string;
}

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type RecordDraft = Omit<PlaybookRecord, 'revision' | 'seq' | 'updated_at'>;

/**
 * One tenant's collection of playbook records, file-backed.
 *
 * On disk, under <data>/tenants/<tenant>/:
 *   records/<playbook id>.json            {"format":1, "record": PlaybookRecord, "vectors": {version: {sha256, model}}}
 *   vectors/<playbook id>/<version>.json  {"model", "vector": number[]}   (kept out of records: 10k records load fast)
 *   idempotency/<sha256(key)>.json        {"fingerprint", "status", "body", "at"}; kept IDEMPOTENCY_TTL_MS
 *                                         (24 h, as Stripe does), older ones are ignored and pruned at start
 * Records are never removed (a delete leaves a tombstone), so the tenant's seq after a restart is
 * simply the largest seq found: no separate counter file that could disagree with the records.
 * Mutations of one tenant run one at a time (exclusive()), which makes seq strictly increasing and
 * every precondition check race-free.
 */
export class TenantStore {
  private readonly records = new Map<string, StoredRecord>();
  private bySeq: PlaybookRecord[] | undefined;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly tenant: string,
    readonly dir: string,
    private readonly durable: boolean,
    private readonly now: () => number,
  ) {}

  static async open(dir: string, tenant: string, options: { durable: boolean; now: () => number }): Promise<TenantStore> {
    const store = new TenantStore(tenant, dir, options.durable, options.now);
    const recordsDir = path.join(dir, 'records');
    let names: string[] = [];
    try {
      names = await fs.readdir(recordsDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    // Read in parallel (bounded): a restart with 10k records is I/O latency bound, not CPU bound.
    const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => path.join(recordsDir, n));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++] as string;
        let stored: StoredRecord | undefined;
        try {
          stored = await readJson<StoredRecord>(file);
        } catch (e) {
          throw new Error(`tenant ${tenant}: record file ${file} is not valid JSON (${(e as Error).message}); restore it from a backup or remove it`, { cause: e });
        }
        if (!stored || stored.format !== 1 || !stored.record || typeof stored.record.seq !== 'number') throw new Error(`tenant ${tenant}: record file ${file} has an unknown format`);
        store.records.set(stored.record.playbook_id, stored);
        store.seq = Math.max(store.seq, stored.record.seq);
      }
    };
    await Promise.all([...Array.from({ length: Math.min(32, files.length) }, worker), store.pruneIdempotency()]);
    return store;
  }

  get maxSeq(): number {
    return this.seq;
  }

  get(id: string): PlaybookRecord | undefined {
    return this.records.get(id)?.record;
  }

  vectorInfo(id: string, version: string): VectorInfo | undefined {
    return this.records.get(id)?.vectors[version];
  }

  *all(): Iterable<PlaybookRecord> {
    for (const s of this.records.values()) yield s.record;
  }

  /** Records with seq > since, ascending, at most `limit`. */
  changes(since: number, limit: number): { changes: PlaybookRecord[]; next: number; more: boolean } {
    if (!this.bySeq) this.bySeq = [...this.all()].sort((a, b) => a.seq - b.seq);
    const sorted = this.bySeq;
    // Binary search for the first seq > since: a no-op sync of 10k records costs O(log n).
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as PlaybookRecord).seq <= since) lo = mid + 1;
      else hi = mid;
    }
    const changes = sorted.slice(lo, lo + limit);
    const last = changes[changes.length - 1];
    return { changes, next: last ? last.seq : Math.max(since, 0), more: lo + limit < sorted.length };
  }

  /** Runs `fn` after every earlier mutation of this tenant has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stores the next state of a record: new seq and revision. Call inside exclusive(). */
  async commit(draft: RecordDraft, vectors?: Record<string, VectorInfo>): Promise<PlaybookRecord> {
    const seq = this.seq + 1;
    const record: PlaybookRecord = {
      ...draft,
      revision: `${seq}-${randomBytes(6).toString('hex')}`,
      seq,
      updated_at: new Date(this.now()).toISOString(),
    };
    const prior = this.records.get(draft.playbook_id);
    const keptVectors: Record<string, VectorInfo> = {};
    for (const v of Object.keys(record.versions)) {
      const info = vectors?.[v] ?? prior?.vectors[v];
      if (info) keptVectors[v] = info;
    }
    const stored: StoredRecord = { format: 1, record, vectors: keptVectors };
    await writeJson(path.join(this.dir, 'records', `${draft.playbook_id}.json`), stored, this.durable);
    this.records.set(record.playbook_id, stored);
    this.seq = seq;
    this.bySeq = undefined;
    return record;
  }

  async saveVector(id: string, version: string, model: string | null, vector: number[]): Promise<VectorInfo> {
    await writeJson(path.join(this.dir, 'vectors', id, `${version}.json`), { model, vector }, this.durable);
    return { sha256: vectorHash(vector), model };
  }

  async idempotent(key: string): Promise<IdempotentResponse | undefined> {
    const entry = await readJson<IdempotentResponse>(this.idempotencyFile(key));
    return entry && this.now() - Date.parse(entry.at) < IDEMPOTENCY_TTL_MS ? entry : undefined;
  }

  /** Removes idempotency entries past their TTL (by file mtime: no need to parse them). */
  private async pruneIdempotency(): Promise<void> {
    const dir = path.join(this.dir, 'idempotency');
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const cutoff = this.now() - IDEMPOTENCY_TTL_MS;
    for (let i = 0; i < names.length; i += 32) {
      await Promise.all(
        names.slice(i, i + 32).map(async (n) => {
          const f = path.join(dir, n);
          const st = await fs.stat(f).catch(() => undefined);
          if (st && st.mtimeMs < cutoff) await fs.rm(f, { force: true });
        }),
      );
    }
  }

  async rememberIdempotent(key: string, entry: Omit<IdempotentResponse, 'at'>): Promise<void> {
    await writeJson(this.idempotencyFile(key), { ...entry, at: new Date(this.now()).toISOString() }, this.durable);
  }

  private idempotencyFile(key: string): string {
    return path.join(this.dir, 'idempotency', `${sha256(key)}.json`);
  }
}

export function vectorHash(vector: number[]): string {
  return sha256(new Uint8Array(Float64Array.from(vector).buffer));
}
