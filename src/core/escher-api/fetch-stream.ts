import type * as http from 'node:http';
import type * as https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import axios from 'axios';
import { NetworkError } from '../shared/errors';
import { type Logger, redact } from '../shared/logger';
import { errorForStatus, networkError, readErrorBody } from './http-errors';
import { isRetryableStatus, retryDelay, type RetryPolicy } from './retry';
import { assertSafeDownloadUrl } from './url-safety';

/**
 * Streaming GET of a pre-signed download URL, for the script manager (which hashes the bytes
 * into a temp file). What this guarantees:
 *  - the URL is https or loopback http AND on the API server's host (UnsafeUrlError otherwise,
 *    before any connection is made); no bearer token is sent (the signature is the credential);
 *  - non-200 answers become typed errors (403 URL_EXPIRED -> AuthError with serverCode
 *    'URL_EXPIRED', so the caller can fetch a fresh ticket once); 5xx and connection failures
 *    before the body starts are retried with backoff;
 *  - the returned stream errors with NetworkError when the body ends short of Content-Length
 *    (a cut connection), or when no byte arrives for timeoutMs (a stall).
 * No decompression: the bytes are exactly what was hashed on the server.
 */
export interface FetchedStream {
  stream: Readable;
  /** Content-Length, when the server sent one. */
  size: number | undefined;
  /** The server's X-Content-SHA256 header (informational: trust the ticket's sha256). */
  sha256Header: string | undefined;
}

export interface FetchStreamOptions {
  serverUrl: string;
  timeoutMs: number;
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
  retry: RetryPolicy;
  random?: () => number;
  logger?: Logger;
  /** The caller's deadline: aborts the request, its retries and the body (NetworkError "timed out"). */
  signal?: AbortSignal;
}

export async function fetchVerifiedStream(rawUrl: string, o: FetchStreamOptions): Promise<FetchedStream> {
  const url = assertSafeDownloadUrl(rawUrl, o.serverUrl);
  const what = `download from ${url.host}${url.pathname.slice(0, 40)}`;
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= o.retry.retries || o.signal?.aborted === true;
    let res;
    try {
      res = await axios.get<Readable>(url.href, {
        responseType: 'stream',
        timeout: o.timeoutMs,
        maxRedirects: 0,
        decompress: false,
        validateStatus: () => true,
        headers: { 'accept-encoding': 'identity' },
        httpAgent: o.httpAgent,
        httpsAgent: o.httpsAgent,
        proxy: false,
        maxContentLength: -1,
        ...(o.signal ? { signal: o.signal } : {}),
      });
    } catch (e) {
      const err = networkError(what, e);
      if (last) throw err;
      await sleep(retryDelay(o.retry, attempt + 1, o.random));
      continue;
    }
    if (res.status !== 200) {
      const text = await readSmall(res.data);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const err = errorForStatus(what, res.status, readErrorBody(parsed));
      if (isRetryableStatus(res.status) && !last) {
        o.logger?.debug(redact(`${what}: ${err.message}; retrying`));
        await sleep(retryDelay(o.retry, attempt + 1, o.random));
        continue;
      }
      throw err;
    }
    const lengthHeader = res.headers['content-length'];
    const size = lengthHeader === undefined ? undefined : Number(lengthHeader);
    const sha = res.headers['x-content-sha256'];
    return { stream: guard(res.data, size, o.timeoutMs, what, o.signal), size, sha256Header: typeof sha === 'string' ? sha : undefined };
  }
}

/** Passes bytes through; errors on a short body or a stall. */
function guard(source: Readable, expected: number | undefined, idleMs: number, what: string, signal?: AbortSignal): Readable {
  const out = new PassThrough();
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => fail(new NetworkError(`${what}: request timed out`, { hint: 'the server is slow or unreachable; try again later' }));
  const fail = (err: Error): void => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    source.destroy();
    out.destroy(err);
  };
  if (signal?.aborted) queueMicrotask(onAbort);
  else signal?.addEventListener('abort', onAbort, { once: true });
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new NetworkError(`${what}: no data for ${idleMs} ms`, { hint: 'the server stalled; try again' })), idleMs);
  };
  arm();
  source.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (out.write(chunk)) return arm();
    // The consumer is slow (e.g. a busy disk), not the server: no stall timer while we hold back.
    clearTimeout(timer);
    source.pause();
    out.once('drain', () => {
      arm();
      source.resume();
    });
  });
  source.once('end', () => {
    clearTimeout(timer);
    if (expected !== undefined && received !== expected) fail(new NetworkError(`${what}: connection closed after ${received} of ${expected} bytes`, { hint: 'the download was cut short; try again' }));
    else out.end();
  });
  const cut = (e?: Error): void => {
    if (out.writableEnded || out.destroyed) return;
    fail(new NetworkError(`${what}: connection closed after ${received} of ${expected ?? '?'} bytes${e ? ` (${redact(e.message)})` : ''}`, { hint: 'the download was cut short; try again' }));
  };
  source.once('error', cut);
  source.once('close', () => {
    if (!source.readableEnded) cut();
  });
  out.once('close', () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (!source.destroyed) source.destroy();
  });
  return out;
}

async function readSmall(stream: Readable, max = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = c as Buffer;
    n += b.length;
    if (n > max) break;
    chunks.push(b);
  }
  stream.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
