import { promises as fs } from 'node:fs';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from '../shared/atomic-fs';
import type { PayloadRow } from './stored-payload';
import { StoredPayload } from './stored-payload';
import { IndexFileReader } from './index-file-reader';
import type { BaseTables } from './index-file-reader';
import { IndexFileError, align8, bytesOf, fd, frameHeader, framedLength, ownBytes, parseFrame, readAt, sectionOf, verified } from './index-format';
import type { Section } from './index-format';
import { MAGIC_V3, readIndexFileV3 } from './index-file-v3';
import { decodeSegments, encodeSegment } from './index-segment';
import { quantizeInto } from './quantize';
import type { IndexSegment } from './index-segment';

export { IndexFileError } from './index-format';

/**
 * On-disk format of the embedded user_playbooks collection: a base part written whole and
 * atomically (temp file, fsync, rename, fsync dir), then saves appended as segments
 * (index-segment.ts) until the store compacts it into a new base (embedded-store.ts decides when).
 * Built so a load reads only what a search needs and parses nothing big:
 *
 *   bytes 0..15  "ESCHVIX4", header length H (u32 LE), CRC-32 of the header (u32 LE)
 *   H bytes      header JSON { modelId, dimension, count, keywordVersion, savedAt, end,
 *                sections: { rows, offsets, crcs, keyword, vectors, payloads } } where each
 *                section is [byte offset, byte length, CRC-32] and `end` is where segments start
 *   ids          JSON array of the `count` playbook ids
 *   rowOffsets   u32[count + 1]: where each row's JSON starts and ends inside `rows`
 *   rows         one PayloadRow (version, area, hashes, filter fields) as JSON per point, parsed
 *                when a filter, a listing or a reconcile asks for it
 *   offsets      u32[count + 1]: where each payload's JSON starts and ends inside `payloads`
 *   crcs         u32[count]: CRC-32 of each payload, checked when it is read
 *   keyword      the keyword index of the base's payloads (keyword/codec.ts; may be empty)
 *   quantized    i8[count × dimension], the vectors as the store searches them (quantize.ts)
 *   vectors      f32[count × dimension], little-endian, slot order: not read by a load; a search
 *                reads its candidates' (index-file-reader.ts), checked against their int8 copy
 *   payloads     the full payloads, one JSON object each, not read by a load either: a search
 *                reads the few it shows
 *   segments…    appended saves
 * Every section starts at a multiple of 8 bytes (the keyword index's arrays are views).
 *
 * Every read checks magic, lengths and CRC-32s (zlib's: this is a cache of the playbook files,
 * guarded against torn or damaged files, not against someone who can write ~/.escher). A damaged
 * base is an IndexFileError and the caller rebuilds from the playbook files; a torn or damaged
 * segment ends the file there (`torn`). Format v3 files (index-file-v3.ts) still load.
 */
export const MAGIC = Buffer.from('ESCHVIX4', 'ascii');

const SECTIONS = ['ids', 'rowOffsets', 'rows', 'offsets', 'crcs', 'keyword', 'quantized', 'vectors', 'payloads'] as const;
type SectionName = (typeof SECTIONS)[number];

interface IndexFileHeader {
  modelId: string;
  dimension: number;
  count: number;
  keywordVersion: string;
  savedAt: string;
  end: number;
  sections: Record<SectionName, Section>;
}

export interface KeywordSidecar {
  version: string;
  bytes: Buffer;
}

export interface IndexFileContents {
  header: { modelId: string; dimension: number; count: number; keywordVersion: string; savedAt: string };
  format: 3 | 4;
  /** The base part's points; the segments change them in order. */
  payloads: StoredPayload[];
  /** The base part's count × dimension int8 rows, at the start of a buffer of their own with room for every point the segments add (usearch ignores byte offsets). */
  quantized: Int8Array;
  /** The float32 vectors, when read now (not `lazy`, or a v3 file); else `reader` reads them. */
  vectors?: Float32Array;
  keyword: KeywordSidecar | undefined;
  segments: IndexSegment[];
  /** Bytes of the base part, and of the file known good (base and the segments that loaded). */
  baseBytes: number;
  validEnd: number;
  /** Why the end of the file was ignored (a torn or damaged save), when it was. */
  torn?: string;
  /** Set when payloads and vectors are read from the file on demand (`lazy`): the caller closes it. */
  reader?: IndexFileReader;
  /** Device and inode at read time: another process's rewrite changes them. */
  identity: string;
}

export interface IndexFileInput {
  modelId: string;
  dimension: number;
  payloads: readonly StoredPayload[];
  vectors: Float32Array;
  /** The vectors quantized (quantize.ts), when the caller has them; else computed here. */
  quantized?: Int8Array;
  keyword?: KeywordSidecar | undefined;
  savedAt: string;
}

export interface EncodedIndexFile {
  bytes: Buffer;
  /** What a reader of the file needs (index-file-reader.ts). */
  tables: BaseTables;
}

export function encodeIndexFile(c: IndexFileInput): EncodedIndexFile {
  const blobs = c.payloads.map((p) => p.bytes());
  const offsets = new Uint32Array(blobs.length + 1);
  const crcs = new Uint32Array(blobs.length);
  blobs.forEach((b, i) => {
    offsets[i + 1] = offsets[i]! + b.length;
    crcs[i] = crc32(b);
  });
  const payloads = Buffer.concat(blobs);
  const rowBlobs = c.payloads.map((p) => Buffer.from(JSON.stringify(p.row), 'utf8'));
  const rowOffsets = new Uint32Array(rowBlobs.length + 1);
  rowBlobs.forEach((b, i) => (rowOffsets[i + 1] = rowOffsets[i]! + b.length));
  const rows = Buffer.concat(rowBlobs);
  const bodies: Record<SectionName, Buffer> = {
    ids: Buffer.from(JSON.stringify(c.payloads.map((p) => p.id)), 'utf8'),
    rowOffsets: bytesOf(rowOffsets),
    rows,
    offsets: bytesOf(offsets),
    crcs: bytesOf(crcs),
    keyword: c.keyword?.bytes ?? Buffer.alloc(0),
    quantized: bytesOf(c.quantized ?? quantizeAll(c.vectors, c.dimension)),
    vectors: Buffer.from(c.vectors.buffer, c.vectors.byteOffset, c.payloads.length * c.dimension * 4),
    payloads,
  };
  const sums = Object.fromEntries(SECTIONS.map((name) => [name, crc32(bodies[name])])) as Record<SectionName, number>;
  // Section offsets depend on the header's length, which depends on the offsets: reserve room.
  const sections = {} as IndexFileHeader['sections'];
  const header = (start: number): Buffer => {
    let at = start;
    for (const name of SECTIONS) {
      at = align8(at);
      sections[name] = [at, bodies[name].length, sums[name]];
      at += bodies[name].length;
    }
    return frameHeader(MAGIC, { modelId: c.modelId, dimension: c.dimension, count: c.payloads.length, keywordVersion: c.keyword?.version ?? '', savedAt: c.savedAt, end: at, sections } satisfies IndexFileHeader);
  };
  let h = header(4096);
  h = header(align8(h.length + 64));
  const parts: Buffer[] = [h];
  let at = h.length;
  for (const name of SECTIONS) {
    const [off] = sections[name];
    parts.push(Buffer.alloc(off - at), bodies[name]);
    at = off + bodies[name].length;
  }
  return { bytes: Buffer.concat(parts), tables: { payloadBase: sections.payloads[0], vectorBase: sections.vectors[0], rows, rowOffsets, offsets, crcs } };
}

/**
 * Reads the base part and the segments after it. `lazy`: payloads stay in the file and are read
 * when shown (the file stays open in `reader`); otherwise they are read and checked now.
 */
export async function readIndexFile(file: string, options: { lazy?: boolean } = {}): Promise<IndexFileContents | undefined> {
  let fh: number;
  try {
    fh = await fd.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let keepOpen = false;
  try {
    const st = await fd.stat(fh);
    const identity = `${st.dev}:${st.ino}`;
    const prefix = await readAt(fh, 0, Math.min(st.size, 16));
    if (prefix.length < 16) throw new IndexFileError(`file too short (${st.size} bytes)`);
    if (prefix.subarray(0, 8).equals(MAGIC_V3)) {
      const v3 = await readIndexFileV3(fh, st.size);
      const keyword = v3.keywordBytes.length ? { version: v3.header.keywordVersion, bytes: v3.keywordBytes } : undefined;
      const quantized = quantizeAll(v3.vectors, v3.header.dimension);
      return { header: v3.header, format: 3, payloads: v3.payloads, quantized, vectors: v3.vectors, keyword, segments: [], baseBytes: st.size, validEnd: st.size, identity };
    }
    const header = parseFrame<IndexFileHeader>(await readAt(fh, 0, Math.min(st.size, framedLength(prefix))), MAGIC, 'an index file');
    const s = checkLayout(header, st.size);
    const { count, dimension } = header;
    // The segments first: they decide how much room the vectors need.
    const tail = decodeSegments(await readAt(fh, header.end, st.size - header.end), dimension);
    const room = tail.segments.reduce((n, seg) => n + seg.payloads.length, 0);
    // ids to crcs, in one read.
    const head = await readAt(fh, s.ids[0], s.crcs[0] + s.crcs[1] - s.ids[0]);
    const part = (name: SectionName): Buffer => verified(head.subarray(s[name][0] - s.ids[0], s[name][0] - s.ids[0] + s[name][1]), s[name], name);
    const ids = JSON.parse(part('ids').toString('utf8')) as string[];
    const rows = part('rows');
    const rowOffsets = new Uint32Array(ownBytes(part('rowOffsets')));
    const offsets = new Uint32Array(ownBytes(part('offsets')));
    const crcs = new Uint32Array(ownBytes(part('crcs')));
    if (!Array.isArray(ids) || ids.length !== count || !ids.every((id) => typeof id === 'string')) throw new IndexFileError('payload count mismatch');
    if (!ascendingTo(offsets, s.payloads[1]) || !ascendingTo(rowOffsets, rows.length)) throw new IndexFileError('payload offsets do not add up');
    const keywordBytes = verified(await readAt(fh, s.keyword[0], s.keyword[1]), s.keyword, 'keyword');
    const matrix = new ArrayBuffer((count + room) * dimension);
    verified(await readAt(fh, s.quantized[0], s.quantized[1], new Uint8Array(matrix, 0, s.quantized[1])), s.quantized, 'quantized');
    let payloads: StoredPayload[];
    let reader: IndexFileReader | undefined;
    let vectors: Float32Array | undefined;
    if (options.lazy) {
      reader = new IndexFileReader(fh, { payloadBase: s.payloads[0], vectorBase: s.vectors[0], rows, rowOffsets, offsets, crcs });
      keepOpen = true;
      payloads = ids.map((id, i) => StoredPayload.inFile(id, reader!, i));
    } else {
      const all = verified(await readAt(fh, s.payloads[0], s.payloads[1]), s.payloads, 'payloads');
      const row = (i: number) => JSON.parse(rows.toString('utf8', rowOffsets[i], rowOffsets[i + 1])) as PayloadRow;
      payloads = ids.map((_, i) => StoredPayload.stored(row(i), all.subarray(offsets[i], offsets[i + 1])));
      vectors = new Float32Array(ownBytes(verified(await readAt(fh, s.vectors[0], s.vectors[1]), s.vectors, 'vectors')));
    }
    const keyword = keywordBytes.length ? { version: header.keywordVersion, bytes: keywordBytes } : undefined;
    const { modelId, keywordVersion, savedAt } = header;
    return {
      header: { modelId, dimension, count, keywordVersion, savedAt },
      format: 4,
      payloads,
      quantized: new Int8Array(matrix, 0, count * dimension),
      ...(vectors ? { vectors } : {}),
      keyword,
      segments: tail.segments,
      baseBytes: header.end,
      validEnd: header.end + tail.validBytes,
      ...(tail.torn ? { torn: tail.torn } : {}),
      ...(reader ? { reader } : {}),
      identity,
    };
  } catch (e) {
    if (e instanceof IndexFileError) throw e;
    throw new IndexFileError(`unreadable (${(e as Error).message})`);
  } finally {
    if (!keepOpen) await fd.close(fh);
  }
}

/** Offsets that never go down, from 0 to `end`. */
function ascendingTo(offsets: Uint32Array, end: number): boolean {
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== end) return false;
  for (let i = 1; i < offsets.length; i++) if (offsets[i]! < offsets[i - 1]!) return false;
  return true;
}

function quantizeAll(vectors: Float32Array, dim: number): Int8Array {
  const rows = Math.floor(vectors.length / dim);
  const out = new Int8Array(rows * dim);
  for (let r = 0; r < rows; r++) quantizeInto(vectors.subarray(r * dim, (r + 1) * dim), out, r * dim);
  return out;
}

/** The sections, checked to lie in order inside the base part, which lies inside the file. */
function checkLayout(h: IndexFileHeader, size: number): Record<SectionName, Section> {
  const out = {} as Record<SectionName, Section>;
  let at = 16;
  for (const name of SECTIONS) {
    const s = sectionOf(h.sections, name);
    if (s[0] < at) throw new IndexFileError(`section ${name} out of range`);
    at = s[0] + s[1];
    out[name] = s;
  }
  const { count, dimension, end } = h;
  if (end !== at || end > size) throw new IndexFileError(`file ends early (${size} of ${end} bytes; torn or damaged file)`);
  if (!Number.isInteger(count) || !Number.isInteger(dimension) || out.offsets[1] !== (count + 1) * 4 || out.rowOffsets[1] !== (count + 1) * 4 || out.crcs[1] !== count * 4 || out.quantized[1] !== count * dimension || out.vectors[1] !== count * dimension * 4) {
    throw new IndexFileError('section lengths do not add up');
  }
  return out;
}

/** Writes a new base part (atomically); returns where its payloads lie, for StoredPayload.relocate. */
export async function writeIndexFile(file: string, c: IndexFileInput): Promise<EncodedIndexFile> {
  const encoded = encodeIndexFile(c);
  await writeFileAtomic(file, encoded.bytes);
  return encoded;
}

/**
 * Opens the file just written for reading payloads on demand, when it still is the one written
 * (same size and header: another process may have replaced it since); else undefined.
 */
export async function reopenForPayloads(file: string, written: EncodedIndexFile): Promise<{ reader: IndexFileReader; identity: string } | undefined> {
  const fh = await fd.open(file, 'r');
  try {
    const st = await fd.stat(fh);
    const headLength = framedLength(written.bytes);
    if (st.size === written.bytes.length && (await readAt(fh, 0, headLength)).equals(written.bytes.subarray(0, headLength))) {
      return { reader: new IndexFileReader(fh, written.tables), identity: `${st.dev}:${st.ino}` };
    }
  } catch {
    // Not readable as written: the caller keeps the payloads in memory.
  }
  await fd.close(fh);
  return undefined;
}

/**
 * Appends a segment at `at`, when the file is still the one read or written (`identity`) and ends
 * exactly there (no other process appended, no torn save); fsynced. Returns the new end, or
 * undefined when the caller must rewrite the file instead.
 */
export async function appendSegment(file: string, identity: string, at: number, segment: IndexSegment): Promise<number | undefined> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const st = await fh.stat();
    if (`${st.dev}:${st.ino}` !== identity || st.size !== at) return undefined;
    const bytes = encodeSegment(segment);
    await fh.write(bytes, 0, bytes.length, at);
    await fh.sync();
    return at + bytes.length;
  } finally {
    await fh.close();
  }
}
