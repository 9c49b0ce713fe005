import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { IndexFileContents, IndexFileInput } from './index-file';
import { appendSegment, reopenForPayloads, writeIndexFile } from './index-file';
import type { IndexSegment } from './index-segment';
import type { IndexFileReader } from './index-file-reader';
import { TEMP_PREFIX } from '../shared/atomic-fs';

/**
 * When appended saves are folded into a new base part: once the segments hold a quarter of the
 * base's bytes (superseded and removed points are dead space in the base), or this many changed
 * or removed points (a load re-tokenises the segments' points for the keyword index, so their
 * number bounds what a load costs beyond the base).
 */
export const COMPACT_TAIL_FRACTION = 0.25;
export const COMPACT_TAIL_RECORDS = 2000;

/**
 * What the embedded store knows of its file between saves (where the good bytes end, how much was
 * appended, which file it is), and the two ways to save: append a segment, or write a new base
 * part and read payloads from it from then on. The caller decides what to save; this decides
 * whether an append is safe.
 */
export class IndexFileSaver {
  private identity: string | undefined;
  private validEnd = 0;
  private baseBytes = 0;
  private tailRecords = 0;
  private reader: IndexFileReader | undefined;

  constructor(readonly file: string) {}

  /** Takes over a loaded file's state and its open reader (the store called forget() before loading). */
  loaded(c: IndexFileContents): void {
    this.identity = c.format === 4 && !c.torn ? c.identity : undefined;
    this.validEnd = c.validEnd;
    this.baseBytes = c.baseBytes;
    this.tailRecords = c.segments.reduce((n, s) => n + s.payloads.length + s.removed.length, 0);
    this.reader = c.reader;
  }

  /** No usable file (none yet, damaged, another model): the next save writes a new one. */
  async forget(): Promise<void> {
    this.identity = undefined;
    const r = this.reader;
    this.reader = undefined;
    await r?.close();
  }

  /**
   * Appends `segment` when the file is the one this process read or wrote last, ends where it
   * left it, and stays under the compaction thresholds; false when the caller must rewrite.
   */
  async tryAppend(segment: IndexSegment, approxBytes: number): Promise<boolean> {
    if (!this.identity) return false;
    const records = segment.payloads.length + segment.removed.length;
    if (this.tailRecords + records > COMPACT_TAIL_RECORDS || this.validEnd + approxBytes - this.baseBytes > this.baseBytes * COMPACT_TAIL_FRACTION) return false;
    const end = await appendSegment(this.file, this.identity, this.validEnd, segment);
    if (end === undefined) return false;
    this.validEnd = end;
    this.tailRecords += records;
    return true;
  }

  /**
   * Writes a new base part holding `input` and points its payloads at it (`relocate` is called
   * with a reader of the new file, whose point i is input's payload i), so memory holds no
   * payload bytes after.
   */
  async rewrite(input: IndexFileInput, relocate: (reader: IndexFileReader) => void): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const written = await writeIndexFile(this.file, input);
    const old = this.reader;
    this.reader = undefined;
    this.identity = undefined;
    this.validEnd = this.baseBytes = written.bytes.length;
    this.tailRecords = 0;
    const reopened = await reopenForPayloads(this.file, written);
    if (!reopened) {
      // Another process replaced the file already: payloads keep reading the old one (still open,
      // so still readable), and the next save rewrites again.
      this.reader = old;
      return;
    }
    relocate(reopened.reader);
    this.reader = reopened.reader;
    this.identity = reopened.identity;
    // Every payload now reads from the new file.
    await old?.close();
  }
}

/**
 * Removes temp files a crashed whole-file save left beside the index file (`.tmp-<name>-<pid>-…`,
 * atomic-fs.ts): up to the index's size each. A temp file whose writer is still running (another
 * process mid-save) is left alone.
 */
export async function removeStrayTempFiles(file: string): Promise<void> {
  const prefix = `${TEMP_PREFIX}${path.basename(file)}-`;
  let names: string[];
  try {
    names = await fs.readdir(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await fs.rm(path.join(path.dirname(file), name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's process.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

