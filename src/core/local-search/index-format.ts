import * as fsc from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';

/**
 * Building blocks shared by the index file's formats (index-file.ts, index-file-v3.ts) and its
 * appended segments (index-segment.ts): a framed header (magic, length, CRC-32, JSON), sections
 * given as [offset, length, CRC-32], positional reads that fail on a short file.
 */
export class IndexFileError extends Error {}

export type Section = [offset: number, length: number, crc: number];

/** magic (8 bytes) · header length (u32 LE) · CRC-32 of the header (u32 LE) · header JSON. */
export function frameHeader(magic: Buffer, header: unknown): Buffer {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(16 + h.length);
  magic.copy(out, 0);
  out.writeUInt32LE(h.length, 8);
  out.writeUInt32LE(crc32(h), 12);
  h.copy(out, 16);
  return out;
}

/** Length of the framed header starting at `buf[0]` (the first 16 bytes must be there). */
export function framedLength(buf: Buffer): number {
  return 16 + buf.readUInt32LE(8);
}

/** The header of a frame starting at `buf[0]`, its magic, length and checksum checked. */
export function parseFrame<T>(buf: Buffer, magic: Buffer, what: string): T {
  if (buf.length < 16) throw new IndexFileError(`${what} too short (${buf.length} bytes)`);
  if (!buf.subarray(0, magic.length).equals(magic)) throw new IndexFileError(`not ${what} or an unknown format version`);
  const hLen = buf.readUInt32LE(8);
  const hBytes = buf.subarray(16, 16 + hLen);
  if (hBytes.length !== hLen || crc32(hBytes) !== buf.readUInt32LE(12)) throw new IndexFileError(`checksum mismatch in the header of ${what} (torn or damaged file)`);
  try {
    return JSON.parse(hBytes.toString('utf8')) as T;
  } catch {
    throw new IndexFileError(`unreadable header of ${what}`);
  }
}

/** A section's [offset, length, crc] as the header gives it, checked for shape. */
export function sectionOf(sections: Record<string, unknown> | undefined, name: string): Section {
  const s = sections?.[name];
  if (!Array.isArray(s) || s.length !== 3 || !s.every((x) => Number.isInteger(x) && x >= 0)) throw new IndexFileError(`section ${name} out of range`);
  return s as Section;
}

/** `bytes` when it has the section's length and checksum. */
export function verified(bytes: Buffer, s: Section, name: string): Buffer {
  if (bytes.length !== s[1]) throw new IndexFileError(`section ${name} out of range`);
  if (crc32(bytes) !== s[2]) throw new IndexFileError(`checksum mismatch in ${name} (torn or damaged file)`);
  return bytes;
}

const readFd = promisify(fsc.read);
const openFd = promisify(fsc.open);
const fstatFd = promisify(fsc.fstat);
const closeFd = promisify(fsc.close);

/**
 * The index file as a plain descriptor, not a FileHandle: a store keeps it open for reading
 * payloads and vectors on demand (index-file-reader.ts) and closes it itself; a FileHandle would
 * be closed, with a deprecation warning, by the garbage collector when a store is dropped unclosed.
 */
export const fd = { open: (file: string, flags: string) => openFd(file, flags), stat: (n: number) => fstatFd(n), close: (n: number) => closeFd(n) };

/** `length` bytes at `position`, into `into` when given; a file that ends early is an IndexFileError. */
export async function readAt(file: number, position: number, length: number, into?: Uint8Array): Promise<Buffer> {
  const buf = into ? Buffer.from(into.buffer, into.byteOffset, length) : Buffer.allocUnsafeSlow(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await readFd(file, buf, done, length - done, position + done);
    if (bytesRead === 0) throw new IndexFileError('file ends early (torn or damaged file)');
    done += bytesRead;
  }
  return buf;
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

/** An ArrayBuffer holding exactly these bytes (the buffer's own when it holds nothing else, else a copy). */
export function ownBytes(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length) return b.buffer as ArrayBuffer;
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

/** The bytes of a typed array (no copy). */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
