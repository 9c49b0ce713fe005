import { promises as fs } from 'node:fs';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from '../shared/atomic-fs';
import type { PayloadRow } from './stored-payload';
import { StoredPayload } from './stored-payload';

/**
 * On-disk format of the embedded user_playbooks collection, one file written atomically (temp
 * file, fsync, rename, fsync dir), so a reader sees a whole old or a whole new index. Built to
 * load without parsing what a search may never need:
 *
 *   bytes 0..7   magic "ESCHVIX3" (the trailing digit is the format version)
 *   bytes 8..11  header length H, uint32 little-endian; bytes 12..15 CRC-32 of the header
 *   H bytes      header, UTF-8 JSON: { modelId, dimension, count, keywordVersion, savedAt,
 *                sections: { rows, offsets, payloads, keyword, vectors } } where each section is
 *                [byte offset, byte length, CRC-32]
 *   rows         JSON array of `count` PayloadRow (id, version, area, hashes, filter fields)
 *   offsets      uint32[count + 1]: where each payload's JSON starts and ends inside `payloads`
 *   payloads     the full payloads, one JSON object each, parsed only when shown (stored-payload.ts)
 *   keyword      the keyword index of those payloads (keyword/codec.ts; may be empty), used only
 *                when keywordVersion matches the running code (keyword-index.ts), else rebuilt
 *   vectors      float32[count × dimension], little-endian, slot order
 * Every section starts at a multiple of 8 bytes, so vectors and the keyword index's arrays are
 * used as views over the file's bytes, not copied.
 *
 * Every read checks magic, lengths and each CRC-32 (zlib's, ~3x faster than SHA-256 here: this is
 * a cache of the playbook files, guarded against torn or damaged files, not against someone who
 * can write ~/.escher); anything off is an IndexFileError and the caller rebuilds the collection
 * from the playbook files (the files are the source of truth).
 */
export const MAGIC = Buffer.from('ESCHVIX3', 'ascii');

type Section = [offset: number, length: number, crc: number];
const SECTIONS = ['rows', 'offsets', 'payloads', 'keyword', 'vectors'] as const;

export interface IndexFileHeader {
  modelId: string;
  dimension: number;
  count: number;
  keywordVersion: string;
  savedAt: string;
  sections: Record<(typeof SECTIONS)[number], Section>;
}

export interface IndexFileContents {
  header: IndexFileHeader;
  payloads: StoredPayload[];
  /** count*dimension floats, slot order (a view over the file's bytes). */
  vectors: Float32Array;
  keyword: KeywordSidecar | undefined;
}

export interface KeywordSidecar {
  version: string;
  bytes: Buffer;
}

export class IndexFileError extends Error {}

export interface IndexFileInput {
  modelId: string;
  dimension: number;
  payloads: readonly StoredPayload[];
  vectors: Float32Array;
  keyword?: KeywordSidecar | undefined;
  savedAt: string;
}

export function encodeIndexFile(c: IndexFileInput): Buffer {
  const rows = Buffer.from(JSON.stringify(c.payloads.map((p) => p.row)), 'utf8');
  const blobs = c.payloads.map((p) => p.bytes());
  const offsets = new Uint32Array(blobs.length + 1);
  blobs.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.length));
  const bodies: Record<(typeof SECTIONS)[number], Buffer> = {
    rows,
    offsets: Buffer.from(offsets.buffer, offsets.byteOffset, offsets.byteLength),
    payloads: Buffer.concat(blobs),
    keyword: c.keyword?.bytes ?? Buffer.alloc(0),
    vectors: Buffer.from(c.vectors.buffer, c.vectors.byteOffset, c.payloads.length * c.dimension * 4),
  };
  // Section offsets depend on the header's length, which depends on the offsets: reserve room.
  const sections = {} as IndexFileHeader['sections'];
  const header = (start: number): Buffer => {
    let at = start;
    for (const name of SECTIONS) {
      at = align8(at);
      sections[name] = [at, bodies[name].length, crc32(bodies[name])];
      at += bodies[name].length;
    }
    const h: IndexFileHeader = { modelId: c.modelId, dimension: c.dimension, count: c.payloads.length, keywordVersion: c.keyword?.version ?? '', savedAt: c.savedAt, sections };
    return Buffer.from(JSON.stringify(h), 'utf8');
  };
  let h = header(16 + 4096);
  h = header(align8(16 + h.length + 64));
  const prefix = Buffer.alloc(16);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(h.length, 8);
  prefix.writeUInt32LE(crc32(h), 12);
  const parts: Buffer[] = [prefix, h];
  let at = 16 + h.length;
  for (const name of SECTIONS) {
    const [off] = sections[name];
    parts.push(Buffer.alloc(off - at), bodies[name]);
    at = off + bodies[name].length;
  }
  return Buffer.concat(parts);
}

export function decodeIndexFile(buf: Buffer): IndexFileContents {
  const header = decodeHeader(buf);
  const [off, len] = vectorSection(header, buf.length);
  // A copy into a buffer of its own: the vectors go to usearch, which ignores byte offsets.
  return decodeSections(buf.subarray(0, off), header, Buffer.from(buf.subarray(off, off + len)));
}

/** Reads the file in two parts: everything before the vectors, and the vectors straight into a buffer of their own (no copy, byte offset 0). */
export async function readIndexFile(file: string): Promise<IndexFileContents | undefined> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const size = (await fh.stat()).size;
    const prefix = await readAt(fh, 0, Math.min(size, 16));
    if (prefix.length < 16) throw new IndexFileError(`file too short (${size} bytes)`);
    const header = decodeHeader(await readAt(fh, 0, Math.min(size, 16 + prefix.readUInt32LE(8))));
    const [off, len] = vectorSection(header, size);
    const head = await readAt(fh, 0, off);
    const vectors = await readAt(fh, off, len);
    return decodeSections(head, header, vectors);
  } catch (e) {
    if (e instanceof IndexFileError) throw e;
    throw new IndexFileError(`unreadable (${(e as Error).message})`);
  } finally {
    await fh.close();
  }
}

async function readAt(fh: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafeSlow(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new IndexFileError('file ends early (torn or damaged file)');
    done += bytesRead;
  }
  return buf;
}

function decodeHeader(buf: Buffer): IndexFileHeader {
  if (buf.length < 16) throw new IndexFileError(`file too short (${buf.length} bytes)`);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new IndexFileError('not an index file or an unknown format version');
  const hLen = buf.readUInt32LE(8);
  const hBytes = buf.subarray(16, 16 + hLen);
  if (hBytes.length !== hLen || crc32(hBytes) !== buf.readUInt32LE(12)) throw new IndexFileError('checksum mismatch in the header (torn or damaged file)');
  try {
    return JSON.parse(hBytes.toString('utf8')) as IndexFileHeader;
  } catch {
    throw new IndexFileError('unreadable header');
  }
}

function vectorSection(header: IndexFileHeader, fileSize: number): [number, number] {
  const s = header.sections?.vectors;
  if (!Array.isArray(s) || !s.every((x) => Number.isInteger(x) && x >= 0) || s[0] + s[1] !== fileSize) throw new IndexFileError('section vectors out of range (torn or damaged file)');
  return [s[0], s[1]];
}

/** `head`: the file up to the vectors; `vectorBytes`: the vector section, in a buffer of its own. */
function decodeSections(head: Buffer, header: IndexFileHeader, vectorBytes: Buffer): IndexFileContents {
  const section = (name: (typeof SECTIONS)[number]): Buffer => {
    const s = header.sections?.[name];
    if (!Array.isArray(s) || !s.every((x) => Number.isInteger(x) && x >= 0)) throw new IndexFileError(`section ${name} out of range`);
    const bytes = name === 'vectors' ? vectorBytes : head.subarray(s[0], s[0] + s[1]);
    if (bytes.length !== s[1]) throw new IndexFileError(`section ${name} out of range`);
    if (crc32(bytes) !== s[2]) throw new IndexFileError(`checksum mismatch in ${name} (torn or damaged file)`);
    return bytes;
  };
  const count = header.count;
  const rowsBytes = section('rows');
  const offsetsBytes = section('offsets');
  const payloadBytes = section('payloads');
  const keywordBytes = section('keyword');
  section('vectors');
  if (!Number.isInteger(count) || offsetsBytes.length !== (count + 1) * 4 || vectorBytes.length !== count * header.dimension * 4) throw new IndexFileError('section lengths do not add up');
  const rows = JSON.parse(rowsBytes.toString('utf8')) as PayloadRow[];
  if (!Array.isArray(rows) || rows.length !== count) throw new IndexFileError('payload count mismatch');
  const offsets = new Uint32Array(ownBytes(offsetsBytes), 0, count + 1);
  if (offsets[count] !== payloadBytes.length) throw new IndexFileError('payload offsets do not add up');
  const payloads = rows.map((row, i) => {
    if (offsets[i + 1]! < offsets[i]!) throw new IndexFileError('payload offsets do not add up');
    return StoredPayload.stored(row, payloadBytes.subarray(offsets[i], offsets[i + 1]));
  });
  const vectors = new Float32Array(ownBytes(vectorBytes), 0, count * header.dimension);
  const keyword = keywordBytes.length > 0 ? { version: header.keywordVersion, bytes: keywordBytes } : undefined;
  return { header, payloads, vectors, keyword };
}

export async function writeIndexFile(file: string, c: IndexFileInput): Promise<void> {
  await writeFileAtomic(file, encodeIndexFile(c));
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** An ArrayBuffer holding exactly these bytes (the buffer's own when it holds nothing else, else a copy). */
function ownBytes(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length) return b.buffer as ArrayBuffer;
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}
