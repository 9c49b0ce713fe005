import { AuthError, EscherError, PreconditionFailedError, ServerError, VersionConflictError, isEscherError } from '../shared/errors';
import type { PlaybookRecord } from '../escher-api/types';

/** How the publisher treats an error from the server client. */
export type FailureKind = 'auth' | 'conflict' | 'permanent' | 'transient';

export function classify(e: unknown): FailureKind {
  if (e instanceof PreconditionFailedError || e instanceof VersionConflictError) return 'conflict';
  if (e instanceof AuthError || (isEscherError(e) && e.code === 'AUTH')) return 'auth';
  if (e instanceof ServerError) {
    // 0 or 2xx = the body was unreadable (garbage): the mutation may have happened; a retry with
    // the same Idempotency-Key is safe. 408/429/5xx are the server's transient states.
    if (e.status < 300 || e.status === 408 || e.status === 429 || e.status >= 500) return 'transient';
    return 'permanent';
  }
  if (isEscherError(e)) return e.code === 'NETWORK' ? 'transient' : 'permanent';
  // Anything unknown (a bug, a filesystem error) is not retried in a loop.
  return 'permanent';
}

/** The record the server sent with a 412/409, when it sent one. */
export function conflictRecord(e: unknown): PlaybookRecord | null {
  if (e instanceof PreconditionFailedError || e instanceof VersionConflictError) return (e.current as PlaybookRecord | null) ?? null;
  return null;
}

/** The loop-stopping error: the token is bad; nothing will work until the user signs in again. */
export function signInAgain(e: unknown): EscherError {
  const status = e instanceof AuthError ? e.status : 401;
  const tenant = e instanceof AuthError ? e.tenant : undefined;
  if (tenant !== undefined) {
    // The token is valid, just not for this tenant: name the tenant (the token may be the right one).
    return new AuthError(`The Escher server does not accept this token for tenant "${tenant}" (HTTP ${status}); sync is paused`, status, {
      tenant,
      hint: `set the tenant this token belongs to, or sign in with a token of tenant "${tenant}"; then sync`,
      hintCode: 'tenant-mismatch',
      cause: e,
    });
  }
  return new AuthError(`The Escher server rejected the credentials (HTTP ${status}); sync is paused`, status, {
    hint: 'sign in again with a valid token, then sync',
    hintCode: 'token-rejected',
    cause: e,
  });
}
