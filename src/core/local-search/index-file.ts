import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../shared/atomic-fs';
import { sha256 } from '../shared/hash';
import type { PlaybookPayload } from './payload';

/**
 * On-disk format of the embedded user_playbooks collection, one file written atomically
 * (temp file, fsync, rename, fsync dir), so a reader sees a whole old or a whole new index:
 *
 *   bytes 0..7    magic "ESCHVIX2" (the trailing digit is the format version)
 *   bytes 8..11   header length H, uint32 little-endian
 *   H bytes       header, UTF-8 JSON: { modelId, dimension, count, payloadBytes, keywordBytes,
 *                 keywordVersion, savedAt }
 *   payloadBytes  UTF-8 JSON array of `count` PlaybookPayload, in slot order
 *   keywordBytes  the keyword index of those payloads (keyword/codec.ts; may be 0 bytes), so a new
 *                 process loads it instead of re-tokenising every playbook; used only when
 *                 keywordVersion matches the running code (keyword-index.ts), else rebuilt
 *   count*dim*4   vectors, float32 little-endian, slot order
 *   32 bytes      SHA-256 of every byte before it
 *
 * Every read checks magic, lengths and the checksum; anything off is an IndexFileError and the
 * caller rebuilds the collection from the playbook files (the files are the source of truth).
 */
export const MAGIC = Buffer.from('ESCHVIX2', 'ascii');

export interface IndexFileHeader {
  modelId: string;
  dimension: number;
  count: number;
  payloadBytes: number;
  keywordBytes: number;
  keywordVersion: string;
  savedAt: string;
}

export interface IndexFileContents {
  header: IndexFileHeader;
  payloads: PlaybookPayload[];
  /** count*dimension floats, slot order. */
  vectors: Float32Array;
  keyword: KeywordSidecar | undefined;
}

export interface KeywordSidecar {
  version: string;
  bytes: Buffer;
}

export class IndexFileError extends Error {}

export function encodeIndexFile(c: { modelId: string; dimension: number; payloads: PlaybookPayload[]; vectors: Float32Array; keyword?: KeywordSidecar | undefined; savedAt: string }): Buffer {
  const payloadBuf = Buffer.from(JSON.stringify(c.payloads), 'utf8');
  const keywordBuf = c.keyword?.bytes ?? Buffer.alloc(0);
  const header: IndexFileHeader = {
    modelId: c.modelId,
    dimension: c.dimension,
    count: c.payloads.length,
    payloadBytes: payloadBuf.length,
    keywordBytes: keywordBuf.length,
    keywordVersion: c.keyword?.version ?? '',
    savedAt: c.savedAt,
  };
  const headerBuf = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBuf.length);
  const vecBuf = Buffer.from(c.vectors.buffer, c.vectors.byteOffset, c.payloads.length * c.dimension * 4);
  const body = Buffer.concat([MAGIC, len, headerBuf, payloadBuf, keywordBuf, vecBuf]);
  return Buffer.concat([body, Buffer.from(sha256(body), 'hex')]);
}

export function decodeIndexFile(buf: Buffer): IndexFileContents {
  if (buf.length < MAGIC.length + 4 + 32) throw new IndexFileError(`file too short (${buf.length} bytes)`);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new IndexFileError('not an index file or an unknown format version');
  const body = buf.subarray(0, buf.length - 32);
  if (sha256(body) !== buf.subarray(buf.length - 32).toString('hex')) throw new IndexFileError('checksum mismatch (torn or damaged file)');
  const hLen = buf.readUInt32LE(MAGIC.length);
  let off = MAGIC.length + 4;
  let header: IndexFileHeader;
  try {
    header = JSON.parse(buf.subarray(off, off + hLen).toString('utf8')) as IndexFileHeader;
  } catch {
    throw new IndexFileError('unreadable header');
  }
  off += hLen;
  const vecBytes = header.count * header.dimension * 4;
  if (off + header.payloadBytes + header.keywordBytes + vecBytes !== body.length) throw new IndexFileError('section lengths do not add up');
  const payloads = JSON.parse(buf.subarray(off, off + header.payloadBytes).toString('utf8')) as PlaybookPayload[];
  if (!Array.isArray(payloads) || payloads.length !== header.count) throw new IndexFileError('payload count mismatch');
  off += header.payloadBytes;
  const keyword = header.keywordBytes > 0 ? { version: header.keywordVersion, bytes: buf.subarray(off, off + header.keywordBytes) } : undefined;
  off += header.keywordBytes;
  // Copy: the slice may not be 4-byte aligned, and the store grows its own matrix anyway.
  const vectors = new Float32Array(header.count * header.dimension);
  Buffer.from(vectors.buffer).set(buf.subarray(off, off + vecBytes));
  return { header, payloads, vectors, keyword };
}

export async function readIndexFile(file: string): Promise<IndexFileContents | undefined> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return decodeIndexFile(buf);
}

export async function writeIndexFile(file: string, c: Parameters<typeof encodeIndexFile>[0]): Promise<void> {
  await writeFileAtomic(file, encodeIndexFile(c));
}
