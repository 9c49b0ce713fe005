import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { writeFileAtomic } from '../shared/atomic-fs';
import { StorageError } from '../shared/errors';
import type { CacheLayout } from './cache-layout';
import { parseCacheKey } from './cache-layout';

export interface IndexEntry {
  key: string;
  /** Relative to the cache root: "scripts/<id>-v<version>/<format>/<file>". */
  path: string;
  sha256: string;
  size: number;
  inserted_at: number;
  last_access: number;
}

export type IndexRecord = ({ op: 'put' } & IndexEntry) | { op: 'touch'; key: string; at: number } | { op: 'del'; key: string; at: number };

export interface LoadResult {
  /** Lines whose hash or content is wrong (a torn final line counts once it is certainly not a write in flight). */
  corruptLines: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function encodeRecord(record: IndexRecord): string {
  const json = JSON.stringify(record);
  return `\n${createHash('sha256').update(json).digest('hex')}\t${json}`;
}

/** Parses one line (without its leading newline); undefined when the hash or the shape is wrong. */
export function decodeRecord(line: string, layout: CacheLayout): IndexRecord | undefined {
  const tab = line.indexOf('\t');
  if (tab !== 64) return undefined;
  const json = line.slice(65);
  if (createHash('sha256').update(json).digest('hex') !== line.slice(0, 64)) return undefined;
  let r: unknown;
  try {
    r = JSON.parse(json);
  } catch {
    return undefined;
  }
  return validRecord(r, layout);
}

function validRecord(r: unknown, layout: CacheLayout): IndexRecord | undefined {
  if (typeof r !== 'object' || r === null) return undefined;
  const o = r as Record<string, unknown>;
  if (typeof o.key !== 'string') return undefined;
  let ref;
  try {
    ref = parseCacheKey(o.key);
  } catch {
    return undefined;
  }
  const time = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (o.op === 'touch' || o.op === 'del') return time(o.at) ? { op: o.op, key: o.key, at: o.at as number } : undefined;
  if (o.op !== 'put') return undefined;
  // The path is recomputed from the key, never taken from the file: a tampered index cannot point outside scripts/.
  const expectedPath = layout.relativeScriptPath(ref);
  if (o.path !== expectedPath || typeof o.sha256 !== 'string' || !HEX64.test(o.sha256)) return undefined;
  if (!Number.isSafeInteger(o.size) || (o.size as number) < 0 || !time(o.inserted_at) || !time(o.last_access)) return undefined;
  return {
    op: 'put',
    key: o.key,
    path: expectedPath,
    sha256: o.sha256,
    size: o.size as number,
    inserted_at: o.inserted_at as number,
    last_access: o.last_access as number,
  };
}

/**
 * The persistent index of the script cache: an append-only journal, `cache/index-v1.log`.
 *
 * Format (borrowed from cacache's index-v5): every record is one line written as
 *
 *   "\n" + sha256_hex(json) + "\t" + json
 *
 * The newline comes FIRST, so a record torn by a crash damages only itself: the next append starts
 * a fresh line instead of being glued onto the torn one. A line whose hash does not match its JSON
 * is corrupt. Records:
 *
 *   {"op":"put","key","path","sha256","size","inserted_at","last_access"}   an entry (re)placed
 *   {"op":"touch","key","at"}                                               a verified hit
 *   {"op":"del","key","at"}                                                 an entry removed
 *
 * Replaying the journal in file order gives the live entries; times are epoch ms from the
 * injectable Clock. `put`/`del` are appended (and fsynced) only under the index lock; `touch` is
 * appended without a lock (one small O_APPEND write), so a hit costs one append, not a rewrite.
 * When the journal has grown well past the number of live entries it is compacted: the live
 * entries are written to a temp file that is renamed over the journal (readers notice the new
 * inode and reload).
 *
 * Times and sizes in the index are trusted only as far as the hash on each line; the script bytes
 * themselves are always re-verified against `sha256`/`size` on every hit.
 */
export class CacheIndex {
  /** Live entries in journal order (a `put` moves its key to the end). */
  readonly entries = new Map<string, IndexEntry>();
  /** Records replayed since the last compaction: the compaction trigger. */
  records = 0;
  /** Corrupt lines met since the last full reload (also by the syncs inside append). */
  corruptSeen = 0;
  private offset = 0;
  private ino = -1;

  constructor(private readonly layout: CacheLayout) {}

  get file(): string {
    return this.layout.indexFile;
  }

  /** Total bytes of live entries. */
  totalSize(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.size;
    return n;
  }

  /** Drops the in-memory state and replays the whole journal. */
  async reload(): Promise<LoadResult> {
    this.entries.clear();
    this.records = 0;
    this.corruptSeen = 0;
    this.offset = 0;
    this.ino = -1;
    return this.sync({ settleTail: true });
  }

  /**
   * Applies what other processes appended since the last read. A final line that does not verify
   * may be a write in flight: it is left unread, unless `settleTail` (a full load) sees it stay
   * broken after a short pause, in which case it is a torn write and counts as corrupt.
   */
  async sync(options: { settleTail?: boolean } = {}): Promise<LoadResult> {
    const result = await this.readNew(options);
    this.corruptSeen += result.corruptLines;
    return result;
  }

  private async readNew(options: { settleTail?: boolean }): Promise<LoadResult> {
    let st;
    try {
      st = await fs.stat(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (this.ino !== -1) {
        this.entries.clear();
        this.records = 0;
      }
      this.ino = -1;
      this.offset = 0;
      return { corruptLines: 0 };
    }
    if (!st.isFile()) {
      // Not ours to remove (it may hold someone's files), and nothing can be cached until it is gone.
      throw new StorageError(`The script cache index ${this.file} is ${st.isDirectory() ? 'a folder' : 'something else'}, not a file`, st.isDirectory() ? 'EISDIR' : 'EINVAL', {
        path: this.file,
        hint: 'move it away; the index is rebuilt from the cached scripts',
      });
    }
    if (st.ino !== this.ino || st.size < this.offset) {
      // Compacted or replaced by another process: start over.
      this.entries.clear();
      this.records = 0;
      this.offset = 0;
      this.ino = st.ino;
    }
    if (st.size === this.offset) return { corruptLines: 0 };
    const buf = await readRange(this.file, this.offset, st.size);
    const result = this.apply(buf);
    if (result.tailBroken && options.settleTail) {
      await delay(30);
      const again = await fs.stat(this.file);
      if (again.size === st.size && again.ino === st.ino) {
        // Nobody is finishing that line: it was torn by a crash. Skip it, as cacache does, but report it.
        this.offset = st.size;
        return { corruptLines: result.corruptLines + 1 };
      }
      return { corruptLines: result.corruptLines + (await this.readNew({})).corruptLines };
    }
    return { corruptLines: result.corruptLines };
  }

  private apply(buf: Buffer): { corruptLines: number; tailBroken: boolean } {
    let corruptLines = 0;
    // buf starts at a record boundary (offset 0, or a record's leading "\n"); an empty first line
    // is skipped, a fragment before the first newline fails its hash like any other bad line.
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl === -1 ? buf.length : nl;
      const line = buf.toString('utf8', start, end);
      if (line.length > 0) {
        const record = decodeRecord(line, this.layout);
        if (record) this.applyRecord(record);
        else if (nl === -1) {
          // Possibly a write in flight: stop just before its leading newline and read it again next time.
          this.offset += Math.max(0, start - 1);
          return { corruptLines, tailBroken: true };
        } else corruptLines++;
      }
      if (nl === -1) break;
      start = nl + 1;
    }
    this.offset += buf.length;
    return { corruptLines, tailBroken: false };
  }

  private applyRecord(r: IndexRecord): void {
    this.records++;
    if (r.op === 'put') {
      const { op: _op, ...entry } = r;
      this.entries.delete(r.key);
      this.entries.set(r.key, entry);
    } else if (r.op === 'del') {
      this.entries.delete(r.key);
    } else {
      const e = this.entries.get(r.key);
      if (e && r.at > e.last_access) e.last_access = r.at;
    }
  }

  /**
   * Appends records and applies them locally. `durable` fsyncs (put/del, under the index lock);
   * touches are fire-and-forget appends.
   */
  async append(records: IndexRecord[], options: { durable: boolean }): Promise<void> {
    if (records.length === 0) return;
    const data = records.map(encodeRecord).join('');
    if (!options.durable) {
      // A touch: one O_APPEND write. When the file grew by exactly our bytes, nobody wrote in
      // between and our records need not be read back; otherwise the next sync reads them.
      const handle = await fs.open(this.file, 'a', 0o644);
      try {
        const { bytesWritten } = await handle.write(data);
        const st = await handle.stat();
        if (st.ino === this.ino && st.size === this.offset + bytesWritten) {
          this.offset = st.size;
          for (const r of records) this.applyRecord(r);
        }
      } finally {
        await handle.close();
      }
      return;
    }
    await fs.mkdir(this.layout.root, { recursive: true });
    const handle = await fs.open(this.file, 'a', 0o644);
    try {
      await handle.write(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    // Read back our records (and anything appended before them) so the caller sees its own put.
    await this.sync();
  }

  /** Rewrites the journal with only the live entries (caller holds the index lock). */
  async compact(entries: Iterable<IndexEntry> = [...this.entries.values()]): Promise<void> {
    // Least recently used first (stable), so journal order and access order agree after a compaction.
    const sorted = [...entries].sort((a, b) => a.last_access - b.last_access);
    const data = sorted.map((e) => encodeRecord({ op: 'put', ...e })).join('');
    await writeFileAtomic(this.file, data);
    this.entries.clear();
    this.records = 0;
    this.offset = 0;
    this.ino = -1;
    this.corruptSeen = 0;
    await this.sync();
  }

  /** Journal is worth compacting: mostly touches and dead records. */
  needsCompaction(): boolean {
    return this.records > 2000 && this.records > this.entries.size * 4;
  }
}

async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(to - from);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await handle.close();
  }
}
