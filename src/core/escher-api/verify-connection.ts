import { isEscherError } from '../shared/errors';
import type { HintCode } from '../shared/hint-codes';
import { PLAYBOOK_ID } from '../shared/safe-path';
import { assertSafeServerUrl } from './url-safety';

/** What a user types to connect: the server's base URL, the tenant id and the bearer token. */
export interface ConnectionInput {
  serverUrl: string;
  tenantId: string;
  token: string;
}

/** Which of the three inputs the problem is in, so a surface can ask for that one again. */
export type ConnectionField = 'serverUrl' | 'tenantId' | 'token';

export type ConnectionCheck =
  /** The server answered the session check for this tenant with this token. */
  | { ok: true; serverUrl: string; tenantId: string; serverVersion: string }
  /** `reason` is a hint code each surface words itself; `detail` is the error's own message. */
  | { ok: false; field: ConnectionField; reason: HintCode; detail: string };

export interface VerifyOptions {
  /** Socket idle timeout and whole-call deadline of the one request (default 10 s). */
  timeoutMs?: number;
  /** An extra trusted CA (PEM), as HttpEscherApiOptions.ca. */
  ca?: string | Buffer;
}

/**
 * Checks a server URL, tenant and token with one request (GET /api/session) before anything
 * is saved, and says which input is wrong: the URL's shape and the https rule, the tenant's shape
 * and the token's presence first, without a request; then the server's answer — unreachable, not
 * an Escher server, token rejected (401), tenant not valid for this token (403 TENANT_MISMATCH).
 * The CLI's `login` and the extension's Connect both call this, so they agree on every reason.
 * Never throws for a bad answer; never sends the token anywhere assertSafeServerUrl refuses.
 */
export async function verifyConnection(input: ConnectionInput, options: VerifyOptions = {}): Promise<ConnectionCheck> {
  let serverUrl: string;
  try {
    serverUrl = assertSafeServerUrl(input.serverUrl.trim());
  } catch (e) {
    return failure('serverUrl', e, 'invalid-server-url');
  }
  const tenantId = input.tenantId.trim();
  if (!PLAYBOOK_ID.test(tenantId)) return { ok: false, field: 'tenantId', reason: 'invalid-tenant', detail: `"${tenantId.slice(0, 64)}" is not a tenant id` };
  const token = input.token.trim();
  if (token === '' || /\s/.test(token)) return { ok: false, field: 'token', reason: 'token-missing', detail: token === '' ? 'the token is empty' : 'a token has no spaces' };

  // Loaded here, not at the top: the extension reaches this module at activation and axios
  // (inside the client) should load only when a check actually runs.
  const { HttpEscherApi } = await import('./client.js');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const api = new HttpEscherApi({ serverUrl, tenantId, token, timeoutMs, deadlineMs: timeoutMs, retry: { retries: 0 }, ...(options.ca ? { ca: options.ca } : {}) });
  try {
    const session = await api.session();
    return { ok: true, serverUrl, tenantId, serverVersion: session.server_version };
  } catch (e) {
    return failure(fieldOf(e), e, 'not-escher-server');
  } finally {
    api.close();
  }
}

function fieldOf(e: unknown): ConnectionField {
  const code = isEscherError(e) ? e.hintCode : undefined;
  if (code === 'token-rejected') return 'token';
  if (code === 'tenant-mismatch' || code === 'invalid-tenant') return 'tenantId';
  // A 400 from the session check is about the one thing sent besides the token: the tenant header.
  if (isEscherError(e) && e.code === 'VALIDATION') return 'tenantId';
  return 'serverUrl';
}

function failure(field: ConnectionField, e: unknown, fallback: HintCode): ConnectionCheck {
  const err = isEscherError(e) ? e : undefined;
  // A 404 (no /api/session) means whatever answers there is not an Escher server.
  const reason = err?.code === 'VALIDATION' && field === 'tenantId' ? 'invalid-tenant' : (err?.hintCode ?? fallback);
  return { ok: false, field, reason, detail: e instanceof Error ? e.message : String(e) };
}
