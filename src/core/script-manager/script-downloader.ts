import { promises as fs } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { parseS3Path } from '../escher-api/s3-path';
import type { CallOptions, DownloadTicket, EscherApi } from '../escher-api/types';
import { assertSafeDownloadUrl } from '../escher-api/url-safety';
import { AuthError, ConfigError, IntegrityError, NetworkError, ServerError, ValidationError } from '../shared/errors';
import { silentLogger, type Logger } from '../shared/logger';
import type { FetchedStream } from '../escher-api/fetch-stream';
import { writeVerified } from './blob-download';
import { cacheKey, type ScriptRef } from './cache-layout';
import type { CachedScript, ScriptCache } from './script-cache';

/**
 * What the script manager needs from the server: the EscherApi (metadata, tickets) plus a
 * streaming GET of pre-signed URLs. HttpEscherApi is one (its fetchStream does the URL policy,
 * status mapping, retries before the body and stall detection).
 */
export type ScriptServer = EscherApi & { fetchStream(url: string, options?: CallOptions): Promise<FetchedStream> };

/** Resolves to undefined when no server is configured; called only when the network is needed. */
export type ScriptServerProvider = () => Promise<ScriptServer | undefined>;

export interface ScriptDownloaderOptions {
  server: ScriptServerProvider;
  serverUrl: string;
  cache: ScriptCache;
  logger?: Logger;
  /** Extra attempts after a body was cut short or stalled (default 2; 5xx are retried by fetchStream). */
  retries?: number;
  retryBaseMs?: number;
}

export interface ExpectedScript {
  ref: ScriptRef;
  sha256?: string;
  size?: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

export interface DownloadedScript extends CachedScript {
  /** False when another process downloaded it while we waited for its lock: we found it cached. */
  downloaded: boolean;
}

/**
 * Flow 3, steps 3–5: ticket → checked URL → streamed, hashed temp file → atomic insert.
 *
 * - The s3_path is parsed strictly (escher-api/s3-path): its playbook id, version and script path
 *   become the cache key, so a hostile path ("../", absolute, odd bucket) is refused before any
 *   request; when the caller knows which script it expects, the s3_path must name that script.
 * - The ticket's URL must be https (or loopback http) on the configured server's host and port.
 * - One download per cache key at a time, across processes (key lock) and inside this process
 *   (single flight): whoever waited finds the entry cached and does not download again.
 * - A 403 from the blob (expired link) gets one fresh ticket; bodies cut short or stalled are
 *   retried with exponential backoff and jitter (fetchStream already retries 5xx and failed
 *   connects); a size or hash mismatch is not retried: the server's copy is wrong.
 *   Nothing enters the cache unless size and sha256 matched; the temp file is removed in `finally`.
 */
export class ScriptDownloader {
  private readonly inFlight = new Map<string, Promise<DownloadedScript>>();
  private readonly logger: Logger;

  constructor(private readonly options: ScriptDownloaderOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Downloads (or finds, when another process just did) the script behind `s3Path`. */
  async download(s3Path: string, expected?: ExpectedScript, options: CallOptions = {}): Promise<DownloadedScript> {
    const loc = parseS3Path(s3Path);
    const ref: ScriptRef = { playbookId: loc.playbookId, version: loc.version, path: loc.path };
    if (expected && cacheKey(expected.ref) !== cacheKey(ref)) {
      throw new ValidationError(`The server's s3_path for ${cacheKey(expected.ref)} names another script (${cacheKey(ref)})`, [], {
        hint: 'the server metadata is inconsistent; nothing was downloaded',
      });
    }
    const key = cacheKey(ref);
    const running = this.inFlight.get(key);
    if (running) return running;
    const job = this.options.cache.locks.withKeyLock(key, () => this.downloadLocked(s3Path, ref, expected, options)).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  private async downloadLocked(s3Path: string, ref: ScriptRef, expected: ExpectedScript | undefined, options: CallOptions): Promise<DownloadedScript> {
    const { cache } = this.options;
    const key = cacheKey(ref);
    // Someone (another process, or an earlier caller) may have cached it while we waited for the lock.
    const found = await cache.lookup(ref);
    if (found.status === 'hit' && (expected?.sha256 === undefined || found.entry.sha256 === expected.sha256)) {
      return { ...found.entry, file: found.file, downloaded: false };
    }
    const api = await this.options.server();
    if (!api) throw new ConfigError(`${key} is not cached and no Escher server is configured`, { hint: 'connect to an Escher server to fetch it', hintCode: 'server-not-configured' });

    let ticket = await this.ticket(api, s3Path, key, expected, options);
    let refreshed = false;
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      const tmp = await cache.tempFile();
      let bodyStarted = false;
      try {
        // Checked here too (fetchStream checks again) so no fetcher can skip it.
        assertSafeDownloadUrl(ticket.url, this.options.serverUrl);
        const fetched = await api.fetchStream(ticket.url, options);
        bodyStarted = true;
        // Verified against the metadata's values when known (the reviewed bytes), not only the ticket's.
        const digest = await writeVerified({ fetched, dest: tmp, expected: { sha256: expected?.sha256 ?? ticket.sha256, size: expected?.size ?? ticket.size }, what: key });
        return { ...(await cache.insertFile(ref, tmp, digest)), downloaded: true };
      } catch (e) {
        if (e instanceof AuthError && e.status === 403 && !refreshed) {
          // Pre-signed links expire; one fresh ticket, then we give up.
          refreshed = true;
          this.logger.info(`script download: link for ${key} refused (${e.serverCode ?? 'expired?'}); requesting a fresh one`);
          ticket = await this.ticket(api, s3Path, key, expected, options);
          attempt--;
          continue;
        }
        if (e instanceof AuthError && e.status === 403) {
          throw new AuthError(`The download link for ${key} was refused again after a fresh one was requested (${e.serverCode ?? '403'})`, 403, {
            hint: 'the server hands out links that are already expired or badly signed: check this machine’s clock, then report it to the Escher administrator',
            serverCode: e.serverCode,
            cause: e,
          });
        }
        if (e instanceof NetworkError && bodyStarted && attempt < retries && !options.signal?.aborted) {
          const wait = (this.options.retryBaseMs ?? 250) * 2 ** attempt * (0.5 + Math.random());
          this.logger.info(`script download: ${e.message}; retrying in ${Math.round(wait)} ms`);
          await delay(wait);
          continue;
        }
        throw e;
      } finally {
        await fs.rm(tmp, { force: true });
      }
    }
  }

  private async ticket(api: EscherApi, s3Path: string, key: string, expected: ExpectedScript | undefined, options: CallOptions): Promise<DownloadTicket> {
    const t = await api.requestDownload(s3Path, options);
    const bad = (what: string): never => {
      throw new ServerError(`The server's download ticket for ${key} is invalid: ${what}`, 0, { hint: 'the server is misbehaving; nothing was downloaded' });
    };
    if (typeof t !== 'object' || t === null) bad('not an object');
    if (typeof t.url !== 'string') bad('no url');
    if (typeof t.sha256 !== 'string' || !HEX64.test(t.sha256)) bad('no valid sha256');
    if (!Number.isSafeInteger(t.size) || t.size < 0) bad('no valid size');
    if ((expected?.sha256 !== undefined && expected.sha256 !== t.sha256) || (expected?.size !== undefined && expected.size !== t.size)) {
      throw new IntegrityError(`The server's download ticket for ${key} does not match the playbook metadata (sha256 or size differ)`, {
        hint: 'the server is inconsistent; nothing was downloaded — report it to the Escher administrator',
      });
    }
    this.options.cache.assertFits(t.size, `Script ${key}`);
    return t;
  }
}
