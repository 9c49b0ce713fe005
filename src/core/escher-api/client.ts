import { createReadStream } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import axios from 'axios';
import { ConfigError } from '../shared/errors';
import { type Logger, silentLogger } from '../shared/logger';
import { validatePlaybookId } from '../shared/safe-path';
import { invalidResponse } from './http-errors';
import { JsonCaller } from './json-call';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { fetchVerifiedStream, type FetchedStream } from './fetch-stream';
import { changesEnvelopeIssues, splitChangesPage } from './changes-page';
import { libraryEnvelopeIssues, splitLibraryPage } from './library-page';
import type {
  CallOptions,
  ChangesFeedPage,
  DownloadTicket,
  EscherApi,
  FetchedMetadata,
  LibraryListing,
  PlaybookRecord,
  Precondition,
  PublishRequest,
  ReviewQueueItem,
  ServerSearchHit,
  UploadResult,
  UploadScriptArgs,
} from './types';
import { assertSafeDownloadUrl, assertSafeServerUrl } from './url-safety';

/**
 * The EscherApi over HTTP, with axios: it is already installed for the whole project, streams
 * request and response bodies in Node, has per-request timeouts and a well-known error model.
 * (Node's fetch would do too, but its timeouts are whole-request AbortSignals, not socket idle
 * timers, which is wrong for a 100 MB upload.)
 *
 * Every call: bearer token + X-Escher-Tenant, a timeout, no redirects (a redirect could carry the
 * token elsewhere), the status mapped to a typed error, and the JSON body validated against the
 * wire schema, so a broken server fails here with one clear line instead of deep in a caller.
 * Retries (exponential backoff, full jitter) only for calls that are safe to repeat: GETs,
 * content-addressed uploads, read-only POSTs (upload/check, search), and mutations that carry an
 * Idempotency-Key. The token is never logged and never attached to an error.
 */
export interface HttpEscherApiOptions {
  serverUrl: string;
  tenantId: string;
  token: string;
  /** Socket idle timeout of every call (default 30 s). */
  timeoutMs?: number;
  /** Whole-call deadline of JSON calls (default 120 s). */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** An extra trusted CA (PEM), added to Node's roots: a company CA or a dev server's self-signed certificate. */
  ca?: string | Buffer;
  /** For tests: the jitter source. */
  random?: () => number;
}


export class HttpEscherApi implements EscherApi {
  readonly serverUrl: string;
  private readonly json: JsonCaller;
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly options: HttpEscherApiOptions) {
    this.serverUrl = assertSafeServerUrl(options.serverUrl);
    if (!options.token) throw new ConfigError('No Escher token configured', { hintCode: 'token-missing' });
    validatePlaybookId(options.tenantId);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    // Keep-alive: a sync is many small requests to one host. Idle sockets are dropped after 4 s
    // (the agent's `timeout` only applies to free sockets), before the shortest common server
    // keep-alive (Node's 5 s) closes them under us: a request sent on a socket the server is
    // closing fails with ECONNRESET, and a non-idempotent call cannot be retried.
    const agentOptions = { keepAlive: true, timeout: 4_000 };
    this.agents = { http: new http.Agent(agentOptions), https: new https.Agent({ ...agentOptions, ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}) }) };
    const client = axios.create({
      baseURL: this.serverUrl,
      timeout: this.timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transitional: { forcedJSONParsing: false, silentJSONParsing: true, clarifyTimeoutError: true },
      transformResponse: [(d: unknown) => d],
      maxBodyLength: Infinity,
      maxContentLength: 64 * 1024 * 1024,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      proxy: false,
    });
    this.json = new JsonCaller({ http: client, token: options.token, tenantId: options.tenantId, retry: this.retry, logger: this.logger, random: this.random, deadlineMs: options.deadlineMs ?? 120_000 });
  }

  /** Closes pooled connections (lets a CLI process exit at once). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Settings for streaming downloads of pre-signed URLs (no token is ever sent there). */
  streamOptions(): { serverUrl: string; timeoutMs: number; httpAgent: http.Agent; httpsAgent: https.Agent } {
    return { serverUrl: this.serverUrl, timeoutMs: this.timeoutMs, httpAgent: this.agents.http, httpsAgent: this.agents.https };
  }

  /**
   * GETs a pre-signed URL from requestDownload() as a stream: the URL is checked first (https or
   * loopback http, same host as the server), the body errors with NetworkError if it ends short
   * of Content-Length or stalls for timeoutMs. Hashing is the caller's job.
   */
  fetchStream(url: string, options: CallOptions = {}): Promise<FetchedStream> {
    return fetchVerifiedStream(url, { ...this.streamOptions(), retry: this.retry, random: this.random, logger: this.logger, ...(options.signal ? { signal: options.signal } : {}) });
  }

  async health(): Promise<{ ok: boolean; version: string }> {
    return (await this.json.call<{ ok: boolean; version: string }>({ what: 'health check', method: 'GET', path: '/api/health', retry: true, schema: 'Health' })).data;
  }

  /**
   * Who this token is for the configured tenant: the one request that checks the URL, the tenant
   * and the token together (401 token, 403 TENANT_MISMATCH tenant). Read-only, so retried.
   */
  async session(): Promise<{ tenant_id: string; server_version: string }> {
    const r = await this.json.call<{ tenant_id: string; server_version: string }>({ what: 'connection check', method: 'GET', path: '/api/session', retry: true, schema: 'Session' });
    if (r.data.tenant_id !== this.options.tenantId) throw invalidResponse('connection check', r.status, `the session of tenant "${r.data.tenant_id}" for tenant "${this.options.tenantId}"`);
    return r.data;
  }

  async uploadScript(args: UploadScriptArgs): Promise<UploadResult> {
    validatePlaybookId(args.playbookId);
    const r = await this.json.call<UploadResult>({
      what: `upload of ${args.playbookId}@${args.version}/${args.path}`,
      method: 'POST',
      path: '/api/playbook/upload',
      query: { playbook_id: args.playbookId, version: args.version, path: args.path },
      stream: 'body' in args ? args.body : () => createReadStream(args.file),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(args.size), 'x-content-sha256': args.sha256 },
      retry: true, // content-addressed: the same bytes twice are the same result
      schema: 'UploadResult',
    });
    if (r.data.sha256 !== args.sha256 || r.data.size !== args.size) {
      throw invalidResponse(`upload of ${args.path}`, r.status, `sha256/size ${r.data.sha256}/${r.data.size} for a script that is ${args.sha256}/${args.size}`);
    }
    return r.data;
  }

  async missingBlobs(sha256s: string[]): Promise<string[]> {
    const missing: string[] = [];
    // The server takes at most 10,000 per request.
    for (let i = 0; i < sha256s.length || i === 0; i += 10_000) {
      const chunk = sha256s.slice(i, i + 10_000);
      if (chunk.length === 0) break;
      const r = await this.json.call<{ missing: string[] }>({ what: 'upload check', method: 'POST', path: '/api/playbook/upload/check', body: { sha256: chunk }, retry: true, schema: 'UploadCheckResponse' });
      missing.push(...r.data.missing);
    }
    return missing;
  }

  async publishMetadata(req: PublishRequest, pre: Precondition): Promise<PlaybookRecord> {
    const r = await this.json.call<PlaybookRecord>({
      what: `publish of ${req.metadata.playbook_id}@${req.metadata.version}`,
      method: 'POST',
      path: '/api/playbook/metadata/publish',
      body: req,
      headers: preconditionHeaders(pre),
      retry: pre.idempotencyKey !== undefined,
      schema: 'PlaybookRecord',
    });
    return r.data;
  }

  async getRecord(playbookId: string): Promise<PlaybookRecord | null> {
    validatePlaybookId(playbookId);
    const r = await this.json.call<PlaybookRecord>({ what: `record of ${playbookId}`, method: 'GET', path: `/api/playbooks/${playbookId}`, retry: true, schema: 'PlaybookRecord', passStatus: [404] });
    return r.status === 404 ? null : r.data;
  }

  /** The envelope must be valid; a record that is not is handed back in `rejected` (changes-page.ts). */
  async getChanges(since: number, limit?: number, options: CallOptions = {}): Promise<ChangesFeedPage> {
    const r = await this.json.call<{ changes: unknown[]; next: number; more: boolean }>({ what: 'changes feed', method: 'GET', path: '/api/changes', query: { since, limit }, retry: true, schema: changesEnvelopeIssues, signal: options.signal });
    return splitChangesPage(r.data);
  }

  async deletePlaybook(playbookId: string, pre: Precondition): Promise<PlaybookRecord> {
    validatePlaybookId(playbookId);
    const r = await this.json.call<PlaybookRecord>({
      what: `delete of ${playbookId}`,
      method: 'DELETE',
      path: `/api/playbooks/${playbookId}`,
      headers: preconditionHeaders(pre),
      retry: pre.idempotencyKey !== undefined,
      schema: 'PlaybookRecord',
    });
    return r.data;
  }

  async deleteVersion(playbookId: string, version: string, pre: Precondition): Promise<PlaybookRecord> {
    validatePlaybookId(playbookId);
    const r = await this.json.call<PlaybookRecord>({
      what: `delete of ${playbookId}@${version}`,
      method: 'DELETE',
      path: `/api/playbooks/${playbookId}/versions/${encodeURIComponent(version)}`,
      headers: preconditionHeaders(pre),
      retry: pre.idempotencyKey !== undefined,
      schema: 'PlaybookRecord',
    });
    return r.data;
  }

  async fetchMetadata(playbookId: string, version: string | 'latest', source: 'tenant' | 'library' | 'any' = 'any', options: CallOptions = {}): Promise<FetchedMetadata> {
    validatePlaybookId(playbookId);
    const r = await this.json.call<FetchedMetadata>({
      signal: options.signal,
      what: `metadata of ${playbookId}@${version}`,
      method: 'GET',
      path: `/api/playbooks/${playbookId}/versions/${encodeURIComponent(version)}`,
      query: { source },
      retry: true,
      schema: 'FetchedMetadata',
    });
    if (r.data.metadata.playbook_id !== playbookId || (version !== 'latest' && r.data.metadata.version !== version)) {
      throw invalidResponse(`metadata of ${playbookId}@${version}`, r.status, `metadata of ${r.data.metadata.playbook_id}@${r.data.metadata.version} instead`);
    }
    return r.data;
  }

  async requestDownload(s3Path: string, options: CallOptions = {}): Promise<DownloadTicket> {
    const r = await this.json.call<DownloadTicket>({ what: `download of ${s3Path}`, method: 'GET', path: '/api/script/download', query: { s3_path: s3Path }, retry: true, schema: 'DownloadTicket', signal: options.signal });
    assertSafeDownloadUrl(r.data.url, this.serverUrl);
    return r.data;
  }

  async search(query: string, limit?: number): Promise<ServerSearchHit[]> {
    const r = await this.json.call<{ results: ServerSearchHit[] }>({ what: 'server search', method: 'POST', path: '/api/playbooks/search', body: limit === undefined ? { query } : { query, limit }, retry: true, schema: 'SearchResponse' });
    return r.data.results;
  }

  async listLibrary(o: { after?: string; limit?: number; etag?: string } & CallOptions = {}): Promise<LibraryListing> {
    if (o.after !== undefined) validatePlaybookId(o.after);
    const r = await this.json.call<{ items: unknown[]; next: string | null }>({
      what: 'library listing',
      method: 'GET',
      path: '/api/library',
      query: { after: o.after, limit: o.limit },
      headers: o.etag !== undefined && o.after === undefined ? { 'if-none-match': o.etag } : {},
      retry: true,
      schema: libraryEnvelopeIssues,
      passStatus: [304],
      signal: o.signal,
    });
    if (r.status === 304) return { notModified: true };
    const etag = r.headers.etag;
    return splitLibraryPage(r.data, typeof etag === 'string' && /^"[\x21-\x7e]{1,128}"$/.test(etag) ? etag : null);
  }

  async reviewQueue(): Promise<ReviewQueueItem[]> {
    const r = await this.json.call<{ items: ReviewQueueItem[] }>({ what: 'review queue', method: 'GET', path: '/api/review-queue', retry: true, schema: 'ReviewQueue' });
    return r.data.items;
  }

  async review(playbookId: string, version: string, status: 'approved' | 'rejected', comment?: string): Promise<PlaybookRecord> {
    validatePlaybookId(playbookId);
    const r = await this.json.call<PlaybookRecord>({
      what: `review of ${playbookId}@${version}`,
      method: 'POST',
      path: `/api/playbooks/${playbookId}/versions/${encodeURIComponent(version)}/review`,
      body: comment === undefined ? { status } : { status, comment },
      retry: false,
      schema: 'PlaybookRecord',
    });
    return r.data;
  }
}

function preconditionHeaders(pre: Precondition): Record<string, string> {
  const h: Record<string, string> = {};
  if (pre.ifMatch !== undefined) h['if-match'] = pre.ifMatch === '*' ? '*' : `"${pre.ifMatch}"`;
  if (pre.ifNoneMatch) h['if-none-match'] = '*';
  if (pre.idempotencyKey !== undefined) h['idempotency-key'] = pre.idempotencyKey;
  return h;
}

