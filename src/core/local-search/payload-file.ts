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
 * The payload section of a loaded index file, left on disk: a search reads (and checks) only the
 * payloads it shows, one positional read each, so loading 100,000 playbooks does not read their
 * ~200 MB of metadata. The file stays open for that; a rewrite of the index file re-points every
 * payload at the new file and closes this one (embedded-store.ts), so an old file's space is not
 * held. Reads are synchronous: one small pread, where making every `payloadOf` caller async
 * would cost more than it saves.
 */
export class PayloadFile {
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    /** Byte offset of the payload section in the file. */
    private readonly base: number,
  ) {}

  read(s: PayloadSlice): Buffer {
    // Not an IndexFileError: nothing is wrong with the point, the store was closed.
    if (this.closed) throw new Error('the index file was closed');
    const buf = Buffer.allocUnsafe(s.length);
    let done = 0;
    while (done < s.length) {
      const n = readSync(this.handle.fd, buf, done, s.length - done, this.base + s.offset + done);
      if (n === 0) throw new IndexFileError('a payload lies past the end of the file (torn or damaged file)');
      done += n;
    }
    if (crc32(buf) !== s.crc) throw new IndexFileError('checksum mismatch in a payload (damaged file)');
    return buf;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}
