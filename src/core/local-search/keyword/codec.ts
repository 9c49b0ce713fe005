import { FIELDS } from './keyword-doc';
import { InvertedIndex } from './inverted-index';
import { FIELD_BITS, FIELD_MASK, Postings } from './postings';

const F = FIELDS.length;
const MAGIC = 'ESKW1';

/**
 * Binary form of the keyword index, built to load without parsing: after a small JSON header come
 * the document ids and the term list as newline-separated text, then typed arrays (field lengths,
 * per-term offsets and document frequencies, all postings) that loading wraps in views over the
 * file's bytes instead of copying. Every array section starts at a multiple of 4 bytes.
 *
 *   u32 H, H bytes header JSON { magic, fields, slots, terms, postings, idsBytes, termsBytes }
 *   ids (utf-8, "\n"-separated) · terms (utf-8, "\n"-separated, sorted)   each padded to 4
 *   fieldLen u16[slots × fields] (padded) · termStart u32[terms + 1] · df u32[terms × fields]
 *   keys u32[postings] · tfs u8[postings]
 *
 * Saving compacts: removed documents are left out and slots renumbered densely. The caller
 * (index-file.ts) checksums the whole file; this only checks that lengths add up.
 */
export function encodeKeywordIndex(index: InvertedIndex): Buffer {
  const renumber = new Int32Array(index.slots).fill(-1);
  const ids: string[] = [];
  for (let s = 0; s < index.slots; s++) {
    if (!index.alive[s]) continue;
    renumber[s] = ids.length;
    ids.push(index.ids[s]!);
  }
  const fieldLen = new Uint16Array(ids.length * F);
  for (let s = 0; s < index.slots; s++) if (renumber[s]! >= 0) fieldLen.set(index.fieldLen.subarray(s * F, s * F + F), renumber[s]! * F);
  const terms: string[] = [];
  const parts: { keys: Uint32Array; tfs: Uint8Array; df: Uint32Array }[] = [];
  let total = 0;
  for (const term of [...index.terms.keys()].sort()) {
    const p = index.terms.get(term)!;
    const keys: number[] = [];
    const tfs: number[] = [];
    const df = new Uint32Array(F);
    for (let i = 0; i < p.length; i++) {
      const to = renumber[p.keys[i]! >>> FIELD_BITS]!;
      if (to < 0) continue;
      const field = p.keys[i]! & FIELD_MASK;
      keys.push(((to << FIELD_BITS) | field) >>> 0);
      tfs.push(p.tfs[i]!);
      df[field]!++;
    }
    if (!keys.length) continue;
    terms.push(term);
    parts.push({ keys: Uint32Array.from(keys), tfs: Uint8Array.from(tfs), df });
    total += keys.length;
  }
  const idsBuf = Buffer.from(ids.join('\n'), 'utf8');
  const termsBuf = Buffer.from(terms.join('\n'), 'utf8');
  const termStart = new Uint32Array(terms.length + 1);
  const df = new Uint32Array(terms.length * F);
  const keys = new Uint32Array(total);
  const tfs = new Uint8Array(total);
  let at = 0;
  parts.forEach((p, t) => {
    termStart[t] = at;
    keys.set(p.keys, at);
    tfs.set(p.tfs, at);
    df.set(p.df, t * F);
    at += p.keys.length;
  });
  termStart[terms.length] = at;
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, fields: F, slots: ids.length, terms: terms.length, postings: total, idsBytes: idsBuf.length, termsBytes: termsBuf.length }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const sections = [len, header, idsBuf, termsBuf, bytes(fieldLen), bytes(termStart), bytes(df), bytes(keys), bytes(tfs)];
  return Buffer.concat(sections.flatMap((s, i) => (i >= 1 && i <= 4 ? [s, pad(s.length)] : [s])));
}

export class KeywordCodecError extends Error {}

/** Rebuilds an index from encodeKeywordIndex's bytes; typed arrays are views over `buf` when it is 4-byte aligned. */
export function decodeKeywordIndex(buf: Buffer): InvertedIndex {
  if (buf.length < 4) throw new KeywordCodecError('keyword index too short');
  const hLen = buf.readUInt32LE(0);
  let off = 4;
  const header = parseHeader(buf.subarray(off, off + hLen));
  off = align(off + hLen);
  const ids = header.slots ? buf.subarray(off, off + header.idsBytes).toString('utf8').split('\n') : [];
  off = align(off + header.idsBytes);
  const terms = header.terms ? buf.subarray(off, off + header.termsBytes).toString('utf8').split('\n') : [];
  off = align(off + header.termsBytes);
  if (ids.length !== header.slots || terms.length !== header.terms) throw new KeywordCodecError('keyword index counts do not match');
  const take = <T>(Ctor: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number }, n: number, padded = false): T => {
    const bytesLen = n * Ctor.BYTES_PER_ELEMENT;
    if (off + bytesLen > buf.length) throw new KeywordCodecError('keyword index truncated');
    const view = (buf.byteOffset + off) % Ctor.BYTES_PER_ELEMENT === 0 ? new Ctor(buf.buffer, buf.byteOffset + off, n) : new Ctor(copy(buf, off, bytesLen), 0, n);
    off += padded ? align(bytesLen) : bytesLen;
    return view;
  };
  const fieldLen = take(Uint16Array, header.slots * F, true);
  const termStart = take(Uint32Array, header.terms + 1);
  const df = take(Uint32Array, header.terms * F);
  const keys = take(Uint32Array, header.postings);
  const tfs = take(Uint8Array, header.postings);
  if (off !== buf.length) throw new KeywordCodecError('keyword index section lengths do not add up');
  const map = new Map<string, Postings>();
  for (let t = 0; t < terms.length; t++) {
    const a = termStart[t]!;
    const b = termStart[t + 1]!;
    if (b < a || b > keys.length) throw new KeywordCodecError('keyword index term offsets out of range');
    map.set(terms[t]!, new Postings(F, keys.subarray(a, b), tfs.subarray(a, b), df.subarray(t * F, t * F + F)));
  }
  const index = new InvertedIndex();
  index.load({ ids, alive: new Uint8Array(ids.length).fill(1), fieldLen, terms: map });
  return index;
}

interface Header {
  magic: string;
  fields: number;
  slots: number;
  terms: number;
  postings: number;
  idsBytes: number;
  termsBytes: number;
}

function parseHeader(b: Buffer): Header {
  let h: Header;
  try {
    h = JSON.parse(b.toString('utf8')) as Header;
  } catch {
    throw new KeywordCodecError('keyword index header unreadable');
  }
  if (h.magic !== MAGIC || h.fields !== F) throw new KeywordCodecError('keyword index of another format');
  for (const k of ['slots', 'terms', 'postings', 'idsBytes', 'termsBytes'] as const) {
    if (!Number.isInteger(h[k]) || h[k] < 0) throw new KeywordCodecError(`keyword index header: bad ${k}`);
  }
  return h;
}

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function align(n: number): number {
  return (n + 3) & ~3;
}

function pad(n: number): Buffer {
  return Buffer.alloc(align(n) - n);
}

function copy(buf: Buffer, off: number, n: number): ArrayBuffer {
  const out = new ArrayBuffer(n);
  new Uint8Array(out).set(buf.subarray(off, off + n));
  return out;
}
