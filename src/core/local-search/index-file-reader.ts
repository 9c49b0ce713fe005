import { readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { IndexFileError, fd } from './index-format';

/** What a reader needs of the base part besides the open file: where sections start, each row's JSON (kept in memory), each payload's place and CRC-32. */
export interface BaseTables {
  payloadBase: number;
  vectorBase: number;
  /** The rows section and u32[count + 1] offsets into it. */
  rows: Buffer;
  rowOffsets: Uint32Array;
  /** u32[count + 1] offsets into the payload section, and u32[count] CRC-32s. */
  offsets: Uint32Array;
  crcs: Uint32Array;
}

/**
 * The parts of a loaded index file a load does not parse or read, taken one piece at a time when
 * needed: each point's row (parsed from the rows section in memory when a filter, a listing or a
 * reconcile asks), the payloads a search shows (~200 MB of metadata at 100,000 playbooks, left on
 * disk) and the float32 vectors of a search's candidates (the store holds int8 copies,
 * quantize.ts). The file stays open; a rewrite of the index file re-points everything at the new
 * file and closes this one (index-saver.ts), so an old file's space is not held. Reads are
 * synchronous: one small pread, where making every `payloadOf` caller async would cost more than
 * it saves.
 */
export class IndexFileReader {
  private closed = false;

  constructor(
    /** An open descriptor of the file (index-format.ts `fd`), closed by close(). */
    private readonly file: number,
    private readonly t: BaseTables,
  ) {}

  /** Row `i`, parsed (a PayloadRow: stored-payload.ts types it). */
  row(i: number): unknown {
    return JSON.parse(this.t.rows.toString('utf8', this.t.rowOffsets[i], this.t.rowOffsets[i + 1]));
  }

  /** Payload `i`'s bytes, checked against its CRC-32. */
  payload(i: number): Buffer {
    const start = this.t.offsets[i]!;
    const buf = this.readAt(this.t.payloadBase + start, this.t.offsets[i + 1]! - start);
    if (crc32(buf) !== this.t.crcs[i]) throw new IndexFileError('checksum mismatch in a payload (damaged file)');
    return buf;
  }

  /** The float32 vector of base row `row` (the caller checks it against the int8 copy). */
  vector(row: number, dim: number): Float32Array {
    const buf = this.readAt(this.t.vectorBase + row * dim * 4, dim * 4);
    return new Float32Array(buf.buffer, buf.byteOffset, dim);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await fd.close(this.file);
  }

  private readAt(position: number, length: number): Buffer {
    // Not an IndexFileError: nothing is wrong with the point, the store was closed.
    if (this.closed) throw new Error('the index file was closed');
    const buf = Buffer.allocUnsafeSlow(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.file, buf, done, length - done, position + done);
      if (n === 0) throw new IndexFileError('a payload or vector lies past the end of the file (torn or damaged file)');
      done += n;
    }
    return buf;
  }
}
