import * as path from 'node:path';
import type { FetchedMetadata } from '../escher-api/types';
import type { ScriptEntry, ScriptFormat } from '../playbook-store/metadata';
import { SCRIPT_FORMATS } from '../playbook-store/metadata';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { ConfigError, type EscherError, IntegrityError, NetworkError, NotFoundError, ServerError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { silentLogger, type Logger } from '../shared/logger';
import { validatePlaybookId } from '../shared/safe-path';
import { validateVersion } from '../playbook-store/names';
import type { ScriptRef } from './cache-layout';
import { cachedCopy } from './cached-copy';
import type { MetadataCache } from './metadata-cache';
import { checkReview, type ResolvedReview } from './review-check';
import type { RuntimeFiles } from './runtime-files';
import type { CachedScript, ScriptCache } from './script-cache';
import type { ScriptDownloader, ScriptServerProvider } from './script-downloader';
import { type ResolvedFile, verifiedStoreFiles } from '../playbook-store/verified-files';

export type ResolveSource = 'local' | 'synced' | 'cache' | 'download';

export interface ResolvedScript {
  /** Absolute path of the script (single file) or of the format folder (several files). */
  path: string;
  source: ResolveSource;
  playbookId: string;
  version: string;
  format: ScriptFormat;
  files: ResolvedFile[];
  /** sha256 of the single file; null when the format has several files (see `files`). */
  sha256: string | null;
  /** Bytes of all files. */
  size: number;
  /**
   * A cached copy was used that the server could not confirm (it did not answer in time, or
   * offline): an expired entry, or — without a version — the newest cached version, which may
   * not be the latest.
   */
  stale: boolean;
  /**
   * True when the files are decrypted copies of sensitive scripts in the private runtime folder:
   * removed when this process exits, unless handed on with ScriptManager.handOff.
   */
  decrypted: boolean;
  /** Server content only (source cache/download): its review, and the override used, if any. */
  review?: ResolvedReview;
}

export interface ResolveOptions {
  /** Ask no server: the store, then the script cache only (a stale copy is flagged). */
  offline?: boolean;
  /** Use team content whose review is pending or rejected anyway, for this reason (logged). */
  allowUnreviewed?: string;
}

/** How long the freshness check may take when a verified cached copy can answer instead. */
export const DEFAULT_FRESHNESS_DEADLINE_MS = 5_000;

export interface ScriptManagerOptions {
  store: PlaybookStoreApi;
  /** The server, built on first need; undefined when none is configured (store and cache keep working). */
  server: ScriptServerProvider;
  cache: ScriptCache;
  metadata: MetadataCache;
  downloader: ScriptDownloader;
  runtime: RuntimeFiles;
  logger?: Logger;
  /** Whole-call deadline of the freshness check when a cached copy exists (default 5 s). */
  freshnessDeadlineMs?: number;
}

/**
 * The seed's Script Manager (Flow 3): where is the script for (playbook, format[, version])?
 *
 *   1. local   — the playbook is in the user's store (local or ai-generated area)
 *   2. synced  — the playbook is in the store's synced area
 *   3. cache   — cache/scripts/<id>-v<version>/…, present, verified, not older than the TTL
 *   4. download — from the server, verified, then cached
 *
 * A playbook the user does not have (a library or tenant playbook the server returned) is resolved
 * from its server metadata (`fetchMetadata(id, version|'latest', 'any')`), cached under
 * cache/metadata/ so the next resolve of that version needs no network until a download.
 *
 * What "the path" is: when the format has a single script, that file; when it has several (a
 * terraform module), the format folder holding all of them. Sensitive (encrypted) store scripts
 * are decrypted into a private 0600 runtime copy; ciphertext is never handed out.
 */
export class ScriptManager {
  private readonly logger: Logger;

  constructor(private readonly o: ScriptManagerOptions) {
    this.logger = o.logger ?? silentLogger;
  }

  get cache(): ScriptCache {
    return this.o.cache;
  }

  /** The server metadata of a playbook this home resolved before (cache/metadata/playbooks), if any. */
  cachedMetadata(playbookId: string, version: string): Promise<{ source: 'tenant' | 'library'; review_status?: string } | undefined> {
    return this.o.metadata.get(playbookId, version);
  }

  async resolveScript(playbookId: string, format: ScriptFormat, version?: string, options: ResolveOptions = {}): Promise<ResolvedScript> {
    validatePlaybookId(playbookId);
    if (!(SCRIPT_FORMATS as readonly string[]).includes(format)) {
      throw new ValidationError(`Unknown script format "${String(format).slice(0, 40)}"`, [], { hint: `one of ${SCRIPT_FORMATS.join(', ')}` });
    }
    if (version !== undefined) validateVersion(version);

    const local = await this.fromStore(playbookId, format, version);
    if (local) return local;
    return this.fromServer(playbookId, format, version, options);
  }

  /** The seed's download_script: fetches the script behind an s3_path into the cache; returns its path. */
  async downloadScript(s3Path: string): Promise<string> {
    return (await this.o.downloader.download(s3Path)).file;
  }

  /** The seed's cache_script. `ref.path` is "<format>/<file>"; `expected.sha256` guards against the wrong bytes. */
  cacheScript(ref: ScriptRef, bytes: Uint8Array, expected?: { sha256?: string }): Promise<CachedScript> {
    return this.o.cache.cacheScript(ref, bytes, expected);
  }

  /**
   * For a command whose output is used after it exits (`escher-playbook resolve` printing a path
   * for the shell): decrypted copies stay until their TTL ends instead of going with the process.
   */
  handOff(resolved: ResolvedScript): Promise<{ removeAt: Date } | undefined> {
    return resolved.decrypted ? this.o.runtime.handOff(resolved.files.map((f) => f.file)) : Promise.resolve(undefined);
  }

  /** Removes the decrypted copies this process still owns. */
  dispose(): void {
    this.o.runtime.dispose();
  }

  /** The seed's evict_old_cache: bytes freed. */
  evictOldCache(): Promise<number> {
    return this.o.cache.evictOldCache();
  }

  // -- 1 & 2: the store ---------------------------------------------------------------------

  private async fromStore(playbookId: string, format: ScriptFormat, version: string | undefined): Promise<ResolvedScript | undefined> {
    let playbook: Playbook;
    try {
      playbook = await this.o.store.getPlaybook(playbookId, version);
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
    const m = playbook.metadata;
    const scripts = pickFormat(m.scripts, format, playbookId, m.version);
    const source: ResolveSource = playbook.area === 'synced' ? 'synced' : 'local';
    let files: ResolvedFile[];
    let formatDir: string;
    const decrypted = scripts.some((s) => s.sensitive);
    if (decrypted) {
      // Decrypt (store.readScript verifies the plaintext) into the private runtime folder; the
      // other files of the format go along so a multi-file format stays together.
      files = [];
      for (const s of scripts) {
        const bytes = await this.o.store.readScript(playbook, s.path);
        files.push({ file: await this.o.runtime.write(playbookId, m.version, s.path, bytes), path: s.path, sha256: sha256(bytes), size: bytes.length });
      }
      formatDir = this.o.runtime.formatDir(playbookId, m.version, format);
    } else {
      files = await verifiedStoreFiles(playbook, scripts, source);
      formatDir = path.join(playbook.dir, format);
    }
    return result(playbookId, m.version, format, source, files, formatDir, { decrypted });
  }

  // -- 3 & 4: cache, then server -----------------------------------------------------------

  /**
   * A verified cached copy (cached-copy.ts) decides how long the server may take: with one, the
   * freshness check (the latest version's metadata, or re-fetching an expired entry) gets
   * `freshnessDeadlineMs` for the whole call, retries included, and the copy answers when the
   * server does not (`stale`); without one there is nothing to fall back on and the client's own
   * timeouts apply. `offline` asks no server at all.
   */
  private async fromServer(playbookId: string, format: ScriptFormat, version: string | undefined, options: ResolveOptions): Promise<ResolvedScript> {
    const offline = options.offline === true;
    const found = await cachedCopy(this.o.cache, this.o.metadata, playbookId, format, version);
    const copy = found && { expired: found.expired, resolved: result(playbookId, found.version, format, 'cache', found.files, this.o.cache.layout.formatDir(playbookId, found.version, format), { stale: found.expired }) };
    // A pinned library version cached within its TTL needs no server: versions are immutable. A
    // team version's review can change (revoked, pending again), so it is asked for again.
    if (copy && !copy.expired && version !== undefined && (await this.o.metadata.get(playbookId, version))?.source === 'library') return this.gate(copy.resolved, options);
    if (offline) {
      // Without --version the newest cached version is used: whether it is the latest is not known.
      if (copy) return this.gate({ ...copy.resolved, stale: copy.expired || version === undefined }, options);
      const noCopy = new NotFoundError(`Playbook "${playbookId}"${version ? ` v${version}` : ''} has no ${format} script in the script cache, and offline nothing is fetched`, {
        hint: 'resolve it once while the server is reachable, to cache it',
        hintCode: 'offline-not-cached',
      });
      return this.fromIndexOnly(playbookId, format, version, noCopy);
    }
    const deadline = copy ? AbortSignal.timeout(this.o.freshnessDeadlineMs ?? DEFAULT_FRESHNESS_DEADLINE_MS) : undefined;
    try {
      return await this.fetchFresh(playbookId, format, version, deadline, copy?.resolved.version, options);
    } catch (e) {
      if (!copy || !isOffline(e)) throw e;
      this.logger.warn(`script manager: the server did not answer (${(e as Error).message}); using the cached copy of "${playbookId}" v${copy.resolved.version}`);
      // The last known review decides.
      return this.gate({ ...copy.resolved, stale: true }, options);
    }
  }

  /** The review gate on a cached copy, from the cached metadata of its version (none: not server content). */
  private async gate(r: ResolvedScript, options: ResolveOptions): Promise<ResolvedScript> {
    const meta = await this.o.metadata.get(r.playbookId, r.version);
    return meta ? { ...r, review: this.checkedReview(meta, options) } : r;
  }

  private checkedReview(fetched: FetchedMetadata, options: ResolveOptions): ResolvedReview {
    const review = checkReview(fetched, options.allowUnreviewed);
    const m = fetched.metadata;
    if (review.overrideReason) this.logger.warn(`script manager: using team playbook "${m.playbook_id}" v${m.version} unreviewed (${review.status}); reason: ${review.overrideReason}`);
    return review;
  }

  /** The server's metadata (cached per version), then each script from the cache or downloaded. `deadline` bounds the calls about `copyVersion`. */
  private async fetchFresh(playbookId: string, format: ScriptFormat, version: string | undefined, deadline: AbortSignal | undefined, copyVersion: string | undefined, options: ResolveOptions): Promise<ResolvedScript> {
    const fetched = await this.metadataFor(playbookId, version, deadline);
    if (!fetched) return this.fromIndexOnly(playbookId, format, version);
    const m = fetched.metadata;
    const scripts = pickFormat(m.scripts, format, playbookId, m.version);
    // Before any download: team content an approval does not cover is not fetched either.
    const review = this.checkedReview(fetched, options);
    // A newer version than the cached one is a real download: no fallback for it, no deadline either.
    const signal = m.version === copyVersion ? deadline : undefined;
    const files: ResolvedFile[] = [];
    let downloaded = false;
    for (const s of scripts) {
      const ref: ScriptRef = { playbookId, version: m.version, path: s.path };
      const found = await this.o.cache.lookup(ref);
      if (found.status === 'hit' && found.entry.sha256 === s.sha256) {
        files.push({ file: found.file, path: s.path, sha256: s.sha256, size: s.size });
        continue;
      }
      if (!s.s3_path) {
        throw new NotFoundError(`The server's metadata for "${playbookId}" v${m.version} gives no s3_path for ${s.path}`, { hint: 'the script cannot be downloaded; report it to the Escher administrator' });
      }
      const got = await this.o.downloader.download(s.s3_path, { ref, sha256: s.sha256, size: s.size }, signal ? { signal } : {});
      files.push({ file: got.file, path: s.path, sha256: got.sha256, size: got.size });
      downloaded ||= got.downloaded;
    }
    const formatDir = this.o.cache.layout.formatDir(playbookId, m.version, format);
    return { ...result(playbookId, m.version, format, downloaded ? 'download' : 'cache', files, formatDir), review };
  }

  /**
   * Metadata of a playbook the user does not have: the cached copy of that version, or the
   * server's (then cached). "latest" always asks the server. Undefined when neither exists and no
   * server is configured (then the newest cached version, if any).
   */
  private async metadataFor(playbookId: string, version: string | undefined, signal: AbortSignal | undefined): Promise<FetchedMetadata | undefined> {
    const { metadata } = this.o;
    const cached = version === undefined ? undefined : await metadata.get(playbookId, version);
    if (cached?.source === 'library') return cached;
    const api = await this.o.server();
    // A team version's review is asked again (one request); unreachable, the caller's cached copy answers.
    if (cached && api) return metadata.put(await api.fetchMetadata(playbookId, cached.metadata.version, 'tenant', signal ? { signal } : {}), { playbookId, version: cached.metadata.version });
    if (cached) return cached;
    if (!api) {
      const latest = version ?? (await metadata.latestVersion(playbookId));
      return latest === undefined ? undefined : metadata.get(playbookId, latest);
    }
    try {
      const fetched = await api.fetchMetadata(playbookId, version ?? 'latest', 'any', signal ? { signal } : {});
      return await metadata.put(fetched, { playbookId, version });
    } catch (e) {
      if (e instanceof NotFoundError) {
        throw new NotFoundError(`Playbook "${playbookId}"${version ? ` v${version}` : ''} is neither in your store nor on the server`, {
          hint: 'check the id and the version',
          hintCode: 'playbook-unknown',
          cause: e,
        });
      }
      throw e;
    }
  }

  /** No metadata anywhere and no server: scripts put into the cache directly (cacheScript) still resolve. */
  private async fromIndexOnly(playbookId: string, format: ScriptFormat, version: string | undefined, noServer: EscherError = noServerError(playbookId)): Promise<ResolvedScript> {
    if (version === undefined) throw noServer;
    const entries = await this.o.cache.entriesFor(playbookId, version, format);
    if (entries.length === 0) throw noServer;
    const files: ResolvedFile[] = [];
    for (const e of entries) {
      const ref = this.o.cache.refOf(e.key);
      const found = await this.o.cache.lookup(ref);
      if (found.status !== 'hit') throw noServer;
      files.push({ file: found.file, path: ref.path, sha256: found.entry.sha256, size: found.entry.size });
    }
    return result(playbookId, version, format, 'cache', files, this.o.cache.layout.formatDir(playbookId, version, format));
  }
}

function noServerError(playbookId: string): ConfigError {
  return new ConfigError(`Playbook "${playbookId}" is not in your store or cache, and no Escher server is configured`, {
    hint: 'connect to an Escher server to fetch it',
    hintCode: 'server-not-configured',
  });
}

function pickFormat(scripts: ScriptEntry[], format: ScriptFormat, playbookId: string, version: string): ScriptEntry[] {
  const picked = scripts.filter((s) => s.format === format).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (picked.length === 0) {
    const have = [...new Set(scripts.map((s) => s.format))];
    throw new NotFoundError(`Playbook "${playbookId}" v${version} has no ${format} script`, { hint: have.length ? `it has: ${have.join(', ')}` : 'it has no scripts' });
  }
  return picked;
}

function result(
  playbookId: string,
  version: string,
  format: ScriptFormat,
  source: ResolveSource,
  files: ResolvedFile[],
  formatDir: string,
  flags: { stale?: boolean; decrypted?: boolean } = {},
): ResolvedScript {
  const single = files.length === 1 ? files[0] : undefined;
  for (const f of files) {
    if (!path.isAbsolute(f.file)) throw new IntegrityError(`Resolved a relative path for ${f.path}`);
  }
  return {
    path: single ? single.file : formatDir,
    source,
    playbookId,
    version,
    format,
    files,
    sha256: single ? single.sha256 : null,
    size: files.reduce((n, f) => n + f.size, 0),
    stale: flags.stale === true,
    decrypted: flags.decrypted === true,
  };
}

/** The server could not be reached or is down (5xx): the cases where a cached copy may stand in. */
function isOffline(e: unknown): boolean {
  return e instanceof NetworkError || (e instanceof ServerError && e.status >= 500);
}
