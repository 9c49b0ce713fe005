/** The stable code of every typed error (the CLI's exit code and the extension's next action key on it). */
export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'INTEGRITY'
  | 'SERVER'
  | 'NETWORK'
  | 'AUTH'
  | 'CONFIG'
  | 'CRYPTO'
  | 'LOCKED'
  | 'TOO_LARGE'
  | 'UNSAFE_URL'
  | 'CANCELLED'
  /** A run's preflight checks found errors (src/core/runner). */
  | 'PREFLIGHT'
  /** A run needs an override: the playbook's review is pending or rejected (src/core/runner). */
  | 'REVIEW';

/**
 * Typed errors. Every error the core throws at a user carries a stable `code` (used by the CLI
 * for its exit code and by the extension to pick the next action) and a `hint` that says what to
 * do about it. Messages name the thing that is wrong (path, id, field), never a secret.
 */
export class EscherError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Input that can never be accepted as given: bad metadata, hostile ids or paths. */
export class ValidationError extends EscherError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], options?: { hint?: string; cause?: unknown }) {
    super('VALIDATION', issues.length ? `${message}: ${issues.join('; ')}` : message, options);
    this.issues = issues;
  }
}

/** A playbook, version, script or record that does not exist (here or on the server). */
export class NotFoundError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}

/** Creating what already exists: a playbook id, a version folder. */
export class AlreadyExistsError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('ALREADY_EXISTS', message, options);
  }
}

/** Content whose bytes do not match the checksum or size we were promised. */
export class IntegrityError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('INTEGRITY', message, options);
  }
}

/** Settings, environment or a home file (config.json, secrets.json) that cannot be used as they are. */
export class ConfigError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

/** Encryption at rest cannot work: no data key or a malformed one, the wrong key, or tampered ciphertext. */
export class CryptoError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('CRYPTO', message, options);
  }
}

/** Another process holds the store's lock longer than we are willing to wait. */
export class LockedError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('LOCKED', message, options);
  }
}

/** The server answered, but with a failure (5xx, an unexpected status, invalid JSON or shape). */
export class ServerError extends EscherError {
  /** HTTP status, 0 when the body (not the status) was the problem. */
  readonly status: number;
  /** The server's machine-readable error code, when it sent one. */
  readonly serverCode: string | undefined;
  constructor(message: string, status: number, options?: { hint?: string; cause?: unknown; serverCode?: string }) {
    super('SERVER', message, options);
    this.status = status;
    this.serverCode = options?.serverCode;
  }
}

/** 401/403: missing, unknown or wrong-tenant token; also an expired or tampered pre-signed URL. */
export class AuthError extends EscherError {
  readonly status: number;
  readonly serverCode: string | undefined;
  constructor(message: string, status: number, options?: { hint?: string; cause?: unknown; serverCode?: string }) {
    super('AUTH', message, options);
    this.status = status;
    this.serverCode = options?.serverCode;
  }
}

/** The server could not be reached, timed out, or cut the connection short. */
export class NetworkError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('NETWORK', message, options);
  }
}

/** 412: the record's revision moved since the caller last saw it. `current` is the server's record now. */
export class PreconditionFailedError<T = unknown> extends EscherError {
  readonly current: T;
  constructor(message: string, current: T, options?: { hint?: string; cause?: unknown }) {
    super('CONFLICT', message, options);
    this.current = current;
  }
}

/** 409: the same version already exists on the server with different content. */
export class VersionConflictError<T = unknown> extends EscherError {
  readonly current: T;
  constructor(message: string, current: T, options?: { hint?: string; cause?: unknown }) {
    super('CONFLICT', message, options);
    this.current = current;
  }
}

/** 400/413/422/428: the server refused the request as given (`serverCode` says why, e.g. SCRIPT_NOT_UPLOADED, LOCAL_ONLY). */
export class RequestRejectedError extends ValidationError {
  readonly status: number;
  readonly serverCode: string | undefined;
  constructor(message: string, status: number, options?: { hint?: string; cause?: unknown; serverCode?: string }) {
    super(message, [], options);
    this.status = status;
    this.serverCode = options?.serverCode;
  }
}

/** A URL we refuse to talk to: plain http to a non-loopback host, or a download URL on a foreign host. */
export class UnsafeUrlError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('UNSAFE_URL', message, options);
  }
}

/** Content bigger than what may hold it (a script larger than the whole script cache). */
export class TooLargeError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('TOO_LARGE', message, options);
  }
}

export function isEscherError(e: unknown): e is EscherError {
  return e instanceof EscherError;
}

/** One line for a human: the message plus the hint, if any. */
export function describeError(e: unknown): string {
  if (e instanceof EscherError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Content whose review is pending or rejected (or whose approval does not cover it) was refused: no override reason was given. */
export class ReviewRequiredError extends EscherError {
  constructor(message: string, options?: { hint?: string }) {
    super('REVIEW', message, options);
  }
}
