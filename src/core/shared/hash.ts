import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Streams the file: constant memory for any size. */
export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    size += buf.length;
    hash.update(buf);
  }
  return { sha256: hash.digest('hex'), size };
}

const SMALL_FILE = 1024 * 1024;
const CHUNK = 256 * 1024;

/**
 * Hashes an open file from its first byte, whatever its position: a small file in one read (scripts
 * are usually a few KB, and one read is several times cheaper than a stream), a large one in
 * chunks so memory stays flat. The handle stays open.
 */
export async function sha256Handle(handle: FileHandle, sizeHint: number): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(sizeHint <= SMALL_FILE ? Math.max(1, sizeHint + 1) : CHUNK);
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, size);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    size += bytesRead;
  }
  return { sha256: hash.digest('hex'), size };
}
