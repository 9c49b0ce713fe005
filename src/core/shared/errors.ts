/**
 * Typed errors. Every error the core throws at a user carries a stable `code` (used by the CLI
 * for its exit code and by the extension to pick the next action) and a `hint` that says what to
 * do about it. Messages name the thing that is wrong (path, id, field), never a secret.
 */
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
  | 'CANCELLED';

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

export class NotFoundError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}

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

export class ConfigError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

export class CryptoError extends EscherError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('CRYPTO', message, options);
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
