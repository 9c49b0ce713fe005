import type { PlaybookPayload } from './payload';
import type { IndexFileReader } from './index-file-reader';

/** What every listing, reconcile and filter needs of a point, without its full metadata and scripts. */
export type PayloadRow = Pick<PlaybookPayload, 'playbook_id' | 'version' | 'area' | 'content_hash' | 'embed_hash' | 'cloud_provider' | 'formats' | 'resource_types_lc'>;

export function rowOf(p: PlaybookPayload): PayloadRow {
  return {
    playbook_id: p.playbook_id,
    version: p.version,
    area: p.area,
    content_hash: p.content_hash,
    embed_hash: p.embed_hash,
    cloud_provider: p.cloud_provider,
    formats: p.formats,
    resource_types_lc: p.resource_types_lc,
  };
}

/**
 * A point's payload as the index file holds it: its id at once; its row (hashes, filter fields)
 * and its full payload (metadata and script bodies) parsed only when asked for — from bytes in
 * memory (an appended segment, an older file) or through the file's reader (index-file-reader.ts).
 * Loading 100,000 playbooks then parses 100,000 ids and no metadata; saving writes the bytes it
 * was read from again.
 */
export class StoredPayload {
  private parsedRow: PayloadRow | undefined;
  private parsed: PlaybookPayload | undefined;
  private raw: Buffer | undefined;
  private at: { reader: IndexFileReader; index: number } | undefined;

  private constructor(
    readonly id: string,
    row: PayloadRow | undefined,
    parsed: PlaybookPayload | undefined,
    raw: Buffer | undefined,
  ) {
    this.parsedRow = row;
    this.parsed = parsed;
    this.raw = raw;
  }

  static of(p: PlaybookPayload): StoredPayload {
    return new StoredPayload(p.playbook_id, rowOf(p), p, undefined);
  }

  static stored(row: PayloadRow, raw: Buffer): StoredPayload {
    return new StoredPayload(row.playbook_id, row, undefined, raw);
  }

  /** Point `index` of a file's base part. */
  static inFile(id: string, reader: IndexFileReader, index: number): StoredPayload {
    const s = new StoredPayload(id, undefined, undefined, undefined);
    s.at = { reader, index };
    return s;
  }

  get row(): PayloadRow {
    this.parsedRow ??= this.at!.reader.row(this.at!.index) as PayloadRow;
    return this.parsedRow;
  }

  /** Throws IndexFileError when its bytes in the file are damaged (the caller drops the point). */
  get payload(): PlaybookPayload {
    if (!this.parsed) {
      this.parsed = JSON.parse(this.bytes().toString('utf8')) as PlaybookPayload;
      this.raw = undefined;
    }
    return this.parsed;
  }

  /** The payload as JSON bytes (the stored ones when it was never parsed). */
  bytes(): Buffer {
    if (this.raw) return this.raw;
    if (this.parsed) return Buffer.from(JSON.stringify(this.parsed), 'utf8');
    return this.at!.reader.payload(this.at!.index);
  }

  /** After the file was rewritten: read from there (as its point `index`) from now on, and free what memory held. */
  relocate(reader: IndexFileReader, index: number): void {
    this.parsedRow = undefined;
    this.parsed = undefined;
    this.raw = undefined;
    this.at = { reader, index };
  }
}
