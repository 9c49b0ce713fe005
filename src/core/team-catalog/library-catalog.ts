import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { libraryEntryIssues } from '../escher-api/library-page';
import type { CallOptions, EscherApi, LibraryEntry } from '../escher-api/types';
import { writeJsonAtomic } from '../shared/atomic-fs';
import { NetworkError, ServerError } from '../shared/errors';
import { silentLogger, type Logger } from '../shared/logger';
import { PLAYBOOK_ID } from '../shared/safe-path';
import type { RefreshResult } from './team-catalog';

/**
 * What this home knows of the Escher Library: the last listing the server gave, validated entry by
 * entry (library-page.ts), in one file:
 *
 *   cache/metadata/library/listing.json   {"format", "server_url", "etag", "entries": [LibraryEntry…]}
 *
 * Library playbooks are read-only and approved by definition: what binds one is its content (the
 * content_hash, recomputed from the metadata, and every script's sha256, which downloads are
 * verified against). A refresh first asks with the stored ETag (one request answered 304 when the
 * library is unchanged), else pages through the listing and replaces the file atomically. An
 * unreachable server leaves the last-known listing in place; another server starts over; a
 * damaged file is dropped and fetched again on the next refresh.
 */
const FORMAT = 'escher-library-catalog/1';
const PAGE = 500;

interface Listing {
  format: string;
  server_url: string;
  etag: string | null;
  entries: LibraryEntry[];
}

export interface LibraryCatalogOptions {
  /** cache/metadata/library */
  dir: string;
  server: () => Promise<EscherApi | undefined>;
  serverUrl: string;
  logger?: Logger;
}

export class LibraryCatalog {
  private readonly logger: Logger;
  private readonly file: string;
  private cached: { mtimeMs: number; size: number; listing: Listing } | undefined;

  constructor(private readonly o: LibraryCatalogOptions) {
    this.logger = o.logger ?? silentLogger;
    this.file = path.join(o.dir, 'listing.json');
  }

  /** Brings the listing up to date: one request when nothing changed. */
  async refresh(options: CallOptions = {}): Promise<RefreshResult> {
    const out: RefreshResult = { online: false, requests: 0, changed: 0, skipped: [] };
    const api = await this.o.server();
    if (!api) return out;
    const known = await this.listing();
    const entries: LibraryEntry[] = [];
    let etag: string | null = null;
    try {
      let after: string | undefined;
      for (;;) {
        out.requests++;
        const page = await api.listLibrary({ ...(after !== undefined ? { after } : {}), limit: PAGE, ...(after === undefined && known?.etag ? { etag: known.etag } : {}), ...options });
        if (page.notModified) {
          out.online = true;
          return out;
        }
        if (after === undefined) etag = page.etag;
        entries.push(...page.entries);
        for (const r of page.rejected) {
          const why = `${r.playbook_id ?? 'an entry without a valid id'}: ${r.issues.slice(0, 3).join('; ')}`;
          out.skipped.push(why);
          this.logger.warn(`library catalog: skipped an entry the server sent (${why})`);
        }
        // A server that repeats itself must not keep this loop going.
        if (page.next === null || page.next === after || (after !== undefined && page.next < after)) break;
        after = page.next;
      }
    } catch (e) {
      if (!(e instanceof NetworkError || e instanceof ServerError)) throw e;
      out.error = e.message;
      return out;
    }
    const unique = [...new Map(entries.map((e) => [e.playbook_id, e])).values()].sort((a, b) => (a.playbook_id < b.playbook_id ? -1 : 1));
    const before = new Map((known?.entries ?? []).map((e) => [e.playbook_id, e.metadata.content_hash]));
    out.changed = unique.filter((e) => before.get(e.playbook_id) !== e.metadata.content_hash).length + [...before.keys()].filter((id) => !unique.some((e) => e.playbook_id === id)).length;
    await writeJsonAtomic(this.file, { format: FORMAT, server_url: this.o.serverUrl, etag, entries: unique } satisfies Listing);
    out.online = true;
    return out;
  }

  /** Every library playbook this home knows of (none when the listing belongs to another server). */
  async list(): Promise<LibraryEntry[]> {
    return (await this.listing())?.entries ?? [];
  }

  /** Names what the catalog holds (a new listing is a new file): equal stamps, equal listings. */
  async stamp(): Promise<string | undefined> {
    const l = await this.listing();
    return l && this.cached ? `library|${l.server_url}|${l.etag ?? ''}|${this.cached.mtimeMs}|${this.cached.size}` : undefined;
  }

  async get(id: string): Promise<LibraryEntry | undefined> {
    if (!PLAYBOOK_ID.test(id)) return undefined;
    return (await this.list()).find((e) => e.playbook_id === id);
  }

  /** The stored listing, checked entry by entry on each new read of the file (a damaged file is dropped). */
  private async listing(): Promise<Listing | undefined> {
    let st;
    try {
      st = await fs.stat(this.file);
    } catch {
      return undefined;
    }
    if (this.cached && this.cached.mtimeMs === st.mtimeMs && this.cached.size === st.size) return this.mine(this.cached.listing);
    let l: Partial<Listing> | undefined;
    try {
      l = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<Listing>;
    } catch {
      l = undefined;
    }
    const valid = l?.format === FORMAT && typeof l.server_url === 'string' && Array.isArray(l.entries) && (l.etag === null || typeof l.etag === 'string');
    const entries = valid ? (l!.entries as unknown[]) : [];
    if (!valid || entries.some((e) => libraryEntryIssues(e).length > 0)) {
      this.logger.warn(`library catalog: ${this.file} is damaged; it is fetched again on the next refresh`);
      await fs.rm(this.file, { force: true });
      this.cached = undefined;
      return undefined;
    }
    this.cached = { mtimeMs: st.mtimeMs, size: st.size, listing: l as Listing };
    return this.mine(l as Listing);
  }

  private mine(l: Listing): Listing | undefined {
    return l.server_url === this.o.serverUrl ? l : undefined;
  }
}
