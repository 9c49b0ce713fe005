import * as path from 'node:path';
import type { FetchedMetadata } from '../escher-api/types';
import type { ScriptEntry, ScriptFormat } from '../playbook-store/metadata';
import { SCRIPT_FORMATS } from '../playbook-store/metadata';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { ConfigError, IntegrityError, NetworkError, NotFoundError, ServerError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { silentLogger, type Logger } from '../shared/logger';
import { validatePlaybookId } from '../shared/safe-path';
import { validateVersion } from '../playbook-store/names';
import type { ScriptRef } from './cache-layout';
import type { MetadataCache } from './metadata-cache';
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
  /** True when an expired cache entry was used because the server could not be reached. */
  stale: boolean;
  /**
   * True when the files are decrypted copies of sensitive scripts in the private runtime folder:
   * removed when this process exits, unless handed on with ScriptManager.handOff.
   */
  decrypted: boolean;
}

export interface ScriptManagerOptions {
  store: PlaybookStoreApi;
  /** The server, built on first need; undefined when none is configured (store and cache keep working). */
  server: ScriptServerProvider;
  cache: ScriptCache;
  metadata: MetadataCache;
  downloader: ScriptDownloader;
  runtime: RuntimeFiles;
  logger?: Logger;
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

  async resolveScript(playbookId: string, format: ScriptFormat, version?: string): Promise<ResolvedScript> {
    validatePlaybookId(playbookId);
    if (!(SCRIPT_FORMATS as readonly string[]).includes(format)) {
      throw new ValidationError(`Unknown script format "${String(format).slice(0, 40)}"`, [], { hint: `one of ${SCRIPT_FORMATS.join(', ')}` });
    }
    if (version !== undefined) validateVersion(version);

    const local = await this.fromStore(playbookId, format, version);
    if (local) return local;
    return this.fromServer(playbookId, format, version);
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

  private async fromServer(playbookId: string, format: ScriptFormat, version: string | undefined): Promise<ResolvedScript> {
    const fetched = await this.metadataFor(playbookId, version);
    if (!fetched) return this.fromIndexOnly(playbookId, format, version);
    const m = fetched.metadata;
    const scripts = pickFormat(m.scripts, format, playbookId, m.version);
    const files: ResolvedFile[] = [];
    let downloaded = false;
    let stale = false;
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
      try {
        const got = await this.o.downloader.download(s.s3_path, { ref, sha256: s.sha256, size: s.size });
        files.push({ file: got.file, path: s.path, sha256: got.sha256, size: got.size });
        downloaded ||= got.downloaded;
      } catch (e) {
        // Versions are immutable: an expired but verified copy is still the right bytes. Use it
        // only when the server is unreachable, and say so.
        if (found.status === 'expired' && found.entry.sha256 === s.sha256 && isOffline(e)) {
          this.logger.warn(`script cache: using an expired copy of ${s.path} for "${playbookId}" v${m.version}: ${(e as Error).message}`);
          files.push({ file: found.file, path: s.path, sha256: s.sha256, size: s.size });
          stale = true;
          continue;
        }
        throw e;
      }
    }
    const formatDir = this.o.cache.layout.formatDir(playbookId, m.version, format);
    return result(playbookId, m.version, format, downloaded ? 'download' : 'cache', files, formatDir, { stale });
  }

  /**
   * Metadata of a playbook the user does not have: the cached copy of that version, or the
   * server's (then cached). "latest" always asks the server; when it cannot be reached, the highest
   * cached version is used. Undefined when neither exists and no server is configured.
   */
  private async metadataFor(playbookId: string, version: string | undefined): Promise<FetchedMetadata | undefined> {
    const { metadata } = this.o;
    if (version !== undefined) {
      const cached = await metadata.get(playbookId, version);
      if (cached) return cached;
    }
    const api = await this.o.server();
    if (!api) {
      const latest = version ?? (await metadata.latestVersion(playbookId));
      return latest === undefined ? undefined : metadata.get(playbookId, latest);
    }
    try {
      const fetched = await api.fetchMetadata(playbookId, version ?? 'latest', 'any');
      return await metadata.put(fetched, { playbookId, version });
    } catch (e) {
      if (version === undefined && isOffline(e)) {
        const latest = await metadata.latestVersion(playbookId);
        if (latest !== undefined) {
          this.logger.warn(`script manager: server unreachable, using the newest cached version ${latest} of "${playbookId}"`);
          return metadata.get(playbookId, latest);
        }
      }
      if (e instanceof NotFoundError) {
        throw new NotFoundError(`Playbook "${playbookId}"${version ? ` v${version}` : ''} is neither in your store nor on the server`, {
          hint: 'check the id (escher-playbook list), or the version',
          cause: e,
        });
      }
      throw e;
    }
  }

  /** No metadata anywhere and no server: scripts put into the cache directly (cacheScript) still resolve. */
  private async fromIndexOnly(playbookId: string, format: ScriptFormat, version: string | undefined): Promise<ResolvedScript> {
    const noServer = new ConfigError(`Playbook "${playbookId}" is not in your store or cache, and no Escher server is configured`, {
      hint: 'set ESCHER_SERVER_URL, ESCHER_TENANT_ID and ESCHER_TOKEN to fetch it',
    });
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
