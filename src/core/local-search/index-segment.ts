import { crc32 } from 'node:zlib';
import type { PayloadRow } from './stored-payload';
import { StoredPayload } from './stored-payload';
import { IndexFileError, align8, bytesOf, frameHeader, framedLength, ownBytes, parseFrame } from './index-format';

/**
 * A save appended to the index file instead of rewriting it (index-file.ts): the points written
 * since the last save (row, payload, vector) and the ids removed since then.
 *
 *   bytes 0..15  "ESCHSEG1", header length H (u32 LE), CRC-32 of the header (u32 LE)
 *   H bytes      header JSON { count, removed: [id…], body: [length, CRC-32], sections:
 *                { rows, offsets, vectors, payloads }: [offset in the body, length] }
 *   body         from the next multiple of 8: rows (JSON) · offsets u32[count + 1] ·
 *                vectors f32[count × dimension] · payloads (JSON each), padded to a multiple of 8
 *
 * A segment counts only when its header and body checksums hold. A save cut short (a crash, a
 * full disk) leaves a torn last segment: it and anything after it are ignored, the state before
 * it loads, and the next save rewrites the file whole.
 */
export const SEGMENT_MAGIC = Buffer.from('ESCHSEG1', 'ascii');

export interface IndexSegment {
  removed: string[];
  payloads: StoredPayload[];
  /** payloads.length × dimension floats. */
  vectors: Float32Array;
}

interface SegmentHeader {
  count: number;
  removed: string[];
  body: [length: number, crc: number];
  sections: Record<'rows' | 'offsets' | 'vectors' | 'payloads', [offset: number, length: number]>;
}

export function encodeSegment(seg: IndexSegment): Buffer {
  const blobs = seg.payloads.map((p) => p.bytes());
  const offsets = new Uint32Array(blobs.length + 1);
  blobs.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.length));
  const parts = { rows: Buffer.from(JSON.stringify(seg.payloads.map((p) => p.row)), 'utf8'), offsets: bytesOf(offsets), vectors: bytesOf(seg.vectors), payloads: Buffer.concat(blobs) };
  const sections = {} as SegmentHeader['sections'];
  const chunks: Buffer[] = [];
  let at = 0;
  for (const name of ['rows', 'offsets', 'vectors', 'payloads'] as const) {
    const pad = align8(at) - at;
    if (pad) chunks.push(Buffer.alloc(pad));
    at += pad;
    sections[name] = [at, parts[name].length];
    chunks.push(parts[name]);
    at += parts[name].length;
  }
  chunks.push(Buffer.alloc(align8(at) - at));
  const body = Buffer.concat(chunks);
  const header: SegmentHeader = { count: seg.payloads.length, removed: seg.removed, body: [body.length, crc32(body)], sections };
  const framed = frameHeader(SEGMENT_MAGIC, header);
  return Buffer.concat([framed, Buffer.alloc(align8(framed.length) - framed.length), body]);
}

/**
 * The segments at the start of `tail` (the file after its base part), in order, up to the first
 * that is torn or damaged. `validBytes` is how much of `tail` they take; `torn` says why the rest
 * was ignored.
 */
export function decodeSegments(tail: Buffer, dimension: number): { segments: IndexSegment[]; validBytes: number; torn?: string } {
  const segments: IndexSegment[] = [];
  let at = 0;
  while (at < tail.length) {
    try {
      const { segment, length } = decodeOne(tail.subarray(at), dimension);
      segments.push(segment);
      at += length;
    } catch (e) {
      if (!(e instanceof IndexFileError)) throw e;
      return { segments, validBytes: at, torn: `${tail.length - at} bytes at the end ignored: ${e.message}` };
    }
  }
  return { segments, validBytes: at };
}

function decodeOne(buf: Buffer, dimension: number): { segment: IndexSegment; length: number } {
  if (buf.length < 16) throw new IndexFileError('a save cut short');
  const h = parseFrame<SegmentHeader>(buf, SEGMENT_MAGIC, 'a saved segment');
  const start = align8(framedLength(buf));
  const [bodyLength, bodyCrc] = Array.isArray(h.body) ? h.body : [NaN, NaN];
  if (!Number.isInteger(bodyLength) || start + bodyLength > buf.length) throw new IndexFileError('a save cut short');
  const body = buf.subarray(start, start + bodyLength);
  if (crc32(body) !== bodyCrc) throw new IndexFileError('checksum mismatch in a saved segment (torn or damaged)');
  const part = (name: keyof SegmentHeader['sections']): Buffer => {
    const s = h.sections?.[name];
    if (!Array.isArray(s) || !s.every((x) => Number.isInteger(x) && x >= 0) || s[0] + s[1] > body.length) throw new IndexFileError(`segment section ${name} out of range`);
    return body.subarray(s[0], s[0] + s[1]);
  };
  const count = h.count;
  const rows = JSON.parse(part('rows').toString('utf8')) as PayloadRow[];
  const offsetBytes = part('offsets');
  const vectorBytes = part('vectors');
  const payloadBytes = part('payloads');
  if (!Number.isInteger(count) || !Array.isArray(rows) || rows.length !== count || offsetBytes.length !== (count + 1) * 4 || vectorBytes.length !== count * dimension * 4 || !Array.isArray(h.removed)) {
    throw new IndexFileError('segment lengths do not add up');
  }
  const offsets = new Uint32Array(ownBytes(offsetBytes));
  if (offsets[count] !== payloadBytes.length) throw new IndexFileError('segment payload offsets do not add up');
  const payloads = rows.map((row, i) => {
    if (offsets[i + 1]! < offsets[i]!) throw new IndexFileError('segment payload offsets do not add up');
    return StoredPayload.stored(row, Buffer.from(payloadBytes.subarray(offsets[i], offsets[i + 1])));
  });
  return { segment: { removed: h.removed.map(String), payloads, vectors: new Float32Array(ownBytes(vectorBytes)) }, length: start + bodyLength };
}
