import type { PlaybookPayload } from './payload';
import type { IndexFileReader, PayloadSlice } from './index-file-reader';

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
 * A point's payload as the index file holds it: the small row at once, the full payload (its
 * metadata and script bodies) parsed only when a search shows it — from bytes in memory (an
 * appended segment, an older file) or read from the file on first use (index-file-reader.ts). Loading
 * 100,000 playbooks then parses 100,000 short rows and reads no metadata at all; saving writes
 * the bytes it was read from again.
 */
export class StoredPayload {
  private parsed: PlaybookPayload | undefined;
  private raw: Buffer | undefined;
  private at: { file: IndexFileReader; slice: PayloadSlice } | undefined;

  private constructor(
    readonly row: PayloadRow,
    parsed: PlaybookPayload | undefined,
    raw: Buffer | undefined,
  ) {
    this.parsed = parsed;
    this.raw = raw;
  }

  static of(p: PlaybookPayload): StoredPayload {
    return new StoredPayload(rowOf(p), p, undefined);
  }

  static stored(row: PayloadRow, raw: Buffer): StoredPayload {
    return new StoredPayload(row, undefined, raw);
  }

  static inFile(row: PayloadRow, file: IndexFileReader, slice: PayloadSlice): StoredPayload {
    const s = new StoredPayload(row, undefined, undefined);
    s.at = { file, slice };
    return s;
  }

  get id(): string {
    return this.row.playbook_id;
  }

  /** Throws IndexFileError when its bytes in the file are damaged (the caller drops the point). */
  get payload(): PlaybookPayload {
    if (!this.parsed) {
      this.parsed = JSON.parse(this.bytes().toString('utf8')) as PlaybookPayload;
      this.raw = undefined;
      this.at = undefined;
    }
    return this.parsed;
  }

  /** The payload as JSON bytes (the stored ones when it was never parsed). */
  bytes(): Buffer {
    if (this.raw) return this.raw;
    if (this.at) return this.at.file.read(this.at.slice);
    return Buffer.from(JSON.stringify(this.parsed), 'utf8');
  }

  /** After the file was rewritten: read it from there from now on, and free the copy in memory. */
  relocate(file: IndexFileReader, slice: PayloadSlice): void {
    this.parsed = undefined;
    this.raw = undefined;
    this.at = { file, slice };
  }
}
