import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/**
 * A readable stream of an open file from its first byte, reading at explicit positions, so one
 * handle serves any number of streams (one per upload attempt) and stays open until its owner
 * closes it. (FileHandle.createReadStream closes the handle when the stream ends, whatever
 * `autoClose` says, in Node 20.)
 */
export function streamFromHandle(handle: FileHandle): Readable {
  let position = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      const buf = Buffer.allocUnsafe(CHUNK);
      handle.read(buf, 0, CHUNK, position).then(
        ({ bytesRead }) => {
          position += bytesRead;
          this.push(bytesRead === 0 ? null : buf.subarray(0, bytesRead));
        },
        (e: unknown) => this.destroy(e as Error),
      );
    },
  });
}
