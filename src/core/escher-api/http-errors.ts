import {
  AuthError,
  EscherError,
  NetworkError,
  NotFoundError,
  PreconditionFailedError,
  RequestRejectedError,
  ServerError,
  VersionConflictError,
} from '../shared/errors';
import { redact } from '../shared/logger';
import type { PlaybookRecord } from './types';
import { recordIssues } from './changes-page';

/**
 * Maps what came back over HTTP to the typed errors of shared/errors.ts. Never attaches the raw
 * AxiosError as `cause`: it carries the request config, Authorization header included, and a
 * cause is exactly what ends up in a log.
 */
export interface ServerErrorBody {
  code?: string;
  message?: string;
  current?: PlaybookRecord | null;
}

/** Extracts `{error: {code, message}, current}` when the body has that shape. */
export function readErrorBody(parsed: unknown): ServerErrorBody {
  if (!parsed || typeof parsed !== 'object') return {};
  const p = parsed as { error?: { code?: unknown; message?: unknown }; current?: unknown };
  const out: ServerErrorBody = {};
  if (typeof p.error?.code === 'string') out.code = p.error.code;
  if (typeof p.error?.message === 'string') out.message = p.error.message.slice(0, 500);
  if (p.current === null) out.current = null;
  // The same check as a changes-feed record: one that could not be applied is as good as none.
  else if (p.current !== undefined && recordIssues(p.current).length === 0) out.current = p.current as PlaybookRecord;
  return out;
}

/**
 * `tenant`: the tenant a bearer-token call was made for. The API answers 403 on such a call when
 * the token is valid but belongs to another tenant (api/escher-server.openapi.yaml, X-Escher-Tenant),
 * so the error names that tenant: the token is a secret that cannot be shown, and may be right.
 * Pre-signed downloads carry no tenant; their 403s are about the link.
 */
export function errorForStatus(what: string, status: number, body: ServerErrorBody, context: { tenant?: string } = {}): EscherError {
  const detail = body.message ? `: ${body.message}` : '';
  const opts = { serverCode: body.code };
  switch (status) {
    case 401:
      return new AuthError(`${what}: the server rejected the token (401)${detail}`, status, { ...opts, hint: 'sign in again with a valid token', hintCode: 'token-rejected' });
    case 403:
      if (body.code === 'URL_EXPIRED') return new AuthError(`${what}: the download URL expired`, status, { ...opts, hint: 'request a fresh download URL' });
      if (context.tenant !== undefined) {
        return new AuthError(`${what}: the server does not accept this token for tenant "${context.tenant}" (403)${detail}`, status, {
          ...opts,
          tenant: context.tenant,
          hint: `set the tenant this token belongs to, or sign in with a token of tenant "${context.tenant}"`,
          hintCode: 'tenant-mismatch',
        });
      }
      if (body.code === 'TENANT_MISMATCH') return new AuthError(`${what}: the tenant does not match the token (403)${detail}`, status, { ...opts, hint: 'check the tenant id, or use a token of that tenant', hintCode: 'tenant-mismatch' });
      return new AuthError(`${what}: forbidden (403)${detail}`, status, { ...opts, hint: 'the link or the request was refused; request a fresh one' });
    case 404:
      return new NotFoundError(`${what}: not found on the server${detail}`);
    case 409:
      return new VersionConflictError(`${what}: version conflict (409)${detail}`, body.current ?? null, { hint: 'publish the change as a new version' });
    case 412:
      return new PreconditionFailedError(`${what}: the server's copy changed (412)${detail}`, body.current ?? null, { hint: 'sync again to merge the server change' });
    default:
      if (status >= 300 && status < 400) {
        return new ServerError(`${what}: the server answered with a redirect (${status}), which is not followed`, status, { ...opts, hint: 'use the final https address as the server URL', hintCode: 'server-redirect' });
      }
      if (status >= 400 && status < 500) return new RequestRejectedError(`${what}: the server refused the request (${status})${detail}`, status, opts);
      return new ServerError(`${what}: server error (HTTP ${status})${detail}`, status, { ...opts, hint: 'try again later; if it persists, check the server logs', hintCode: 'server-error' });
  }
}

/** Network-level failures (no HTTP status): refused, reset, DNS, timeouts. */
export function networkError(what: string, e: unknown): NetworkError {
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  // ERR_CANCELED: the only signal we pass is the whole-call deadline (AbortSignal.timeout).
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ABORT_ERR' || code === 'ERR_CANCELED' || /timeout/i.test(err.message ?? '');
  const reason = timedOut ? 'timed out' : code ? `failed (${code})` : `failed (${redact(err.message ?? 'unknown error')})`;
  const tlsProblem = /CERT|SSL|TLS|SELF_SIGNED/.test(code);
  const [hint, hintCode] = timedOut
    ? (['the server is slow or unreachable; try again later', 'server-timeout'] as const)
    : tlsProblem
      ? (["the server's TLS certificate is not trusted on this machine", 'tls-untrusted'] as const)
      : (['check the server URL and your network', 'server-unreachable'] as const);
  return new NetworkError(`${what}: request ${reason}`, { hint, hintCode });
}

export function invalidResponse(what: string, status: number, problem: string): ServerError {
  return new ServerError(`${what}: server returned ${problem}`, status, { hint: 'the server is misbehaving or is not an Escher server; check the server URL', hintCode: 'not-escher-server' });
}
