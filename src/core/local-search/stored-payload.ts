import type { PlaybookPayload } from './payload';

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
 * metadata and script bodies) parsed from its bytes only when a search shows it. Loading 10,000
 * playbooks then parses 10,000 short rows instead of 10,000 metadata documents; saving writes
 * the bytes it was read from again.
 */
export class StoredPayload {
  private parsed: PlaybookPayload | undefined;
  private raw: Buffer | undefined;

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

  get id(): string {
    return this.row.playbook_id;
  }

  get payload(): PlaybookPayload {
    if (!this.parsed) {
      this.parsed = JSON.parse(this.raw!.toString('utf8')) as PlaybookPayload;
      this.raw = undefined;
    }
    return this.parsed;
  }

  /** The payload as JSON bytes (the stored ones when it was never parsed). */
  bytes(): Buffer {
    return this.raw ?? Buffer.from(JSON.stringify(this.parsed), 'utf8');
  }
}
