import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { IndexFileError } from './index-format';

/** Where one payload's JSON lies inside a file's payload section, and its CRC-32. */
export interface PayloadSlice {
  offset: number;
  length: number;
  crc: number;
}

/**
 * The parts of a loaded index file a load does not read, read one piece at a time when needed:
 * the payloads a search shows (~200 MB of metadata at 100,000 playbooks) and the float32 vectors
 * of a search's candidates (the store holds int8 copies, quantize.ts). The file stays open for
 * that; a rewrite of the index file re-points everything at the new file and closes this one
 * (index-saver.ts), so an old file's space is not held. Reads are synchronous: one small pread,
 * where making every `payloadOf` caller async would cost more than it saves.
 */
export class IndexFileReader {
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    /** Byte offsets of the payload and float32 vector sections in the file. */
    private readonly payloadBase: number,
    private readonly vectorBase: number,
  ) {}

  /** One payload's bytes, checked against its CRC-32. */
  read(s: PayloadSlice): Buffer {
    const buf = this.readAt(this.payloadBase + s.offset, s.length);
    if (crc32(buf) !== s.crc) throw new IndexFileError('checksum mismatch in a payload (damaged file)');
    return buf;
  }

  /** The float32 vector of base row `row` (the caller checks it against the int8 copy). */
  vector(row: number, dim: number): Float32Array {
    const buf = this.readAt(this.vectorBase + row * dim * 4, dim * 4);
    return new Float32Array(buf.buffer, buf.byteOffset, dim);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private readAt(position: number, length: number): Buffer {
    // Not an IndexFileError: nothing is wrong with the point, the store was closed.
    if (this.closed) throw new Error('the index file was closed');
    const buf = Buffer.allocUnsafeSlow(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.handle.fd, buf, done, length - done, position + done);
      if (n === 0) throw new IndexFileError('a payload or vector lies past the end of the file (torn or damaged file)');
      done += n;
    }
    return buf;
  }
}
