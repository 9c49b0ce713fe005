import type { PayloadRow } from './stored-payload';
import { StoredPayload } from './stored-payload';
import { IndexFileError, ownBytes, parseFrame, readAt, sectionOf, verified } from './index-format';

/**
 * Reading format v3, which the code before append-only saves wrote ("ESCHVIX3"): one framed
 * header, then rows (JSON), offsets (u32[count + 1]), payloads, keyword index, vectors
 * (float32[count × dimension]), each section [offset, length, CRC-32]. Read whole and kept in
 * memory; the next save writes the file as v4 (index-file.ts), so a user's index survives the
 * upgrade without re-embedding.
 */
export const MAGIC_V3 = Buffer.from('ESCHVIX3', 'ascii');

export interface V3Contents {
  header: { modelId: string; dimension: number; count: number; keywordVersion: string; savedAt: string };
  payloads: StoredPayload[];
  vectors: Float32Array;
  keywordBytes: Buffer;
}

interface V3Header {
  modelId: string;
  dimension: number;
  count: number;
  keywordVersion: string;
  savedAt: string;
  sections: Record<string, unknown>;
}

export async function readIndexFileV3(file: number, size: number): Promise<V3Contents> {
  const buf = await readAt(file, 0, size);
  const header = parseFrame<V3Header>(buf, MAGIC_V3, 'an index file');
  const section = (name: string): Buffer => {
    const s = sectionOf(header.sections, name);
    return verified(buf.subarray(s[0], s[0] + s[1]), s, name);
  };
  const count = header.count;
  const rowsBytes = section('rows');
  const offsetsBytes = section('offsets');
  const payloadBytes = section('payloads');
  const keywordBytes = section('keyword');
  const vectorBytes = section('vectors');
  if (!Number.isInteger(count) || offsetsBytes.length !== (count + 1) * 4 || vectorBytes.length !== count * header.dimension * 4) throw new IndexFileError('section lengths do not add up');
  const rows = JSON.parse(rowsBytes.toString('utf8')) as PayloadRow[];
  if (!Array.isArray(rows) || rows.length !== count) throw new IndexFileError('payload count mismatch');
  const offsets = new Uint32Array(ownBytes(offsetsBytes), 0, count + 1);
  if (offsets[count] !== payloadBytes.length) throw new IndexFileError('payload offsets do not add up');
  const payloads = rows.map((row, i) => {
    if (offsets[i + 1]! < offsets[i]!) throw new IndexFileError('payload offsets do not add up');
    return StoredPayload.stored(row, Buffer.from(payloadBytes.subarray(offsets[i], offsets[i + 1])));
  });
  const vectors = new Float32Array(ownBytes(vectorBytes), 0, count * header.dimension);
  return { header, payloads, vectors, keywordBytes: Buffer.from(keywordBytes) };
}
