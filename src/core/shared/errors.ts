import type { HintCode } from './hint-codes';

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
  /** The file system refused: disk full, permission, a folder where a file belongs (fs-errors.ts). */
  | 'STORAGE'
  /** A run's preflight checks found errors (src/core/runner). */
  | 'PREFLIGHT'
  /** A run needs an override: the playbook's review is pending or rejected (src/core/runner). */
  | 'REVIEW';

/**
 * Typed errors. Every error the core throws at a user carries a stable `code` (used by the CLI
 * for its exit code and by the extension to pick the next action) and a `hint` that says what to
 * do about it. Messages name the thing that is wrong (path, id, field), never a secret.
 */
export interface ErrorOptions {
  /** What to do, in words that fit every surface (no CLI command, flag or variable, no VS Code setting). */
  hint?: string;
  /** What to do, as a code each surface words itself (hint-codes.ts). */
  hintCode?: HintCode;
  cause?: unknown;
}

export class EscherError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly hintCode: HintCode | undefined;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options?.hint;
    this.hintCode = options?.hintCode;
  }
}

/** Input that can never be accepted as given: bad metadata, hostile ids or paths. */
export class ValidationError extends EscherError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], options?: ErrorOptions) {
    super('VALIDATION', issues.length ? `${message}: ${issues.join('; ')}` : message, options);
    this.issues = issues;
  }
}

/**
 * A file or folder whose real path is outside the folder it must stay in (a symlink leading out of
 * the store or the cache), or a symlink where a real file is required. Never followed.
 */
export class OutsideRootError extends ValidationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, [], options);
  }
}

/** A playbook, version, script or record that does not exist (here or on the server). */
export class NotFoundError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

/** Creating what already exists: a playbook id, a version folder. */
export class AlreadyExistsError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('ALREADY_EXISTS', message, options);
  }
}

/** Content whose bytes do not match the checksum or size we were promised. */
export class IntegrityError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('INTEGRITY', message, options);
  }
}

/** A stored file whose bytes no longer match what metadata.json records: both sides, for the message. */
export class ContentMismatchError extends IntegrityError {
  constructor(
    message: string,
    readonly recorded: { sha256: string; size: number },
    readonly actual: { sha256: string; size: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Settings, environment or a home file (config.json, secrets.json) that cannot be used as they are. */
export class ConfigError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('CONFIG', message, options);
  }
}

/** Encryption at rest cannot work: no data key or a malformed one, the wrong key, or tampered ciphertext. */
export class CryptoError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('CRYPTO', message, options);
  }
}

/** Another process holds the store's lock longer than we are willing to wait. */
export class LockedError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('LOCKED', message, options);
  }
}

/** The server answered, but with a failure (5xx, an unexpected status, invalid JSON or shape). */
export class ServerError extends EscherError {
  /** HTTP status, 0 when the body (not the status) was the problem. */
  readonly status: number;
  /** The server's machine-readable error code, when it sent one. */
  readonly serverCode: string | undefined;
  constructor(message: string, status: number, options?: ErrorOptions & { serverCode?: string }) {
    super('SERVER', message, options);
    this.status = status;
    this.serverCode = options?.serverCode;
  }
}

/** 401/403: missing, unknown or wrong-tenant token; also an expired or tampered pre-signed URL. */
export class AuthError extends EscherError {
  readonly status: number;
  readonly serverCode: string | undefined;
  /** Set when the server accepted the token but not for this tenant (the tenant to name, not the token). */
  readonly tenant: string | undefined;
  constructor(message: string, status: number, options?: ErrorOptions & { serverCode?: string; tenant?: string }) {
    super('AUTH', message, options);
    this.status = status;
    this.serverCode = options?.serverCode;
    this.tenant = options?.tenant;
  }
}

/** The server could not be reached, timed out, or cut the connection short. */
export class NetworkError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('NETWORK', message, options);
  }
}

/** 412: the record's revision moved since the caller last saw it. `current` is the server's record now. */
export class PreconditionFailedError<T = unknown> extends EscherError {
  readonly current: T;
  constructor(message: string, current: T, options?: ErrorOptions) {
    super('CONFLICT', message, options);
    this.current = current;
  }
}

/** 409: the same version already exists on the server with different content. */
export class VersionConflictError<T = unknown> extends EscherError {
  readonly current: T;
  constructor(message: string, current: T, options?: ErrorOptions) {
    super('CONFLICT', message, options);
    this.current = current;
  }
}

/** 400/413/422/428: the server refused the request as given (`serverCode` says why, e.g. SCRIPT_NOT_UPLOADED, LOCAL_ONLY). */
export class RequestRejectedError extends ValidationError {
  readonly status: number;
  readonly serverCode: string | undefined;
  constructor(message: string, status: number, options?: ErrorOptions & { serverCode?: string }) {
    super(message, [], options);
    this.status = status;
    this.serverCode = options?.serverCode;
  }
}

/** A URL we refuse to talk to: plain http to a non-loopback host, or a download URL on a foreign host. */
export class UnsafeUrlError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('UNSAFE_URL', message, options);
  }
}

/** Content bigger than what may hold it (a script larger than the whole script cache). */
export class TooLargeError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('TOO_LARGE', message, options);
  }
}

/**
 * The file system refused: no space left, no permission, a read-only disk, a folder where a file
 * belongs. `errno` is the system's code (ENOSPC, EACCES, EISDIR…); see fs-errors.ts.
 */
export class StorageError extends EscherError {
  readonly errno: string;
  readonly path: string | undefined;
  constructor(message: string, errno: string, options?: ErrorOptions & { path?: string }) {
    super('STORAGE', message, options);
    this.errno = errno;
    this.path = options?.path;
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
