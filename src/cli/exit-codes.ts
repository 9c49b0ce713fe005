import type { ErrorCode } from '../core/shared/errors';

/**
 * Exit codes of escher-playbook (documented in docs/cli.md). Scripts branch on these, so they
 * only ever gain new values.
 */
export const EXIT = {
  OK: 0,
  /** A bug or an unexpected system error (the message says which). */
  INTERNAL: 1,
  /** Bad command line or invalid input (metadata, ids, paths, versions). */
  USAGE: 2,
  NOT_FOUND: 3,
  /** The id or version already exists, or the store is in a conflicting state. */
  CONFLICT: 4,
  /** Data failed verification: checksum mismatch, tampered or undecryptable ciphertext. */
  INTEGRITY: 5,
  /** Configuration or credentials missing or unusable (key file permissions, no data key, no login). */
  CONFIG: 6,
  /** The server or the network failed. */
  REMOTE: 7,
  /** Another process holds the store lock. */
  LOCKED: 8,
  /** A batch finished with some items failed (import), or doctor found unrepaired problems. */
  PARTIAL: 9,
  /** `run`: the playbook ran and a command of it exited non-zero (its own code is printed and recorded). */
  RUN_FAILED: 10,
  /** `run`/`check`: preflight found errors, so nothing ran. */
  PREFLIGHT: 11,
  /** `run`: the playbook's review is pending or rejected and no --allow-unreviewed reason was given. */
  REVIEW: 12,
  /** The file system refused: disk full, permission denied, read-only, a folder where a file belongs. */
  STORAGE: 13,
  /** Interrupted (Ctrl-C). */
  CANCELLED: 130,
  /** The reader of stdout went away (`… | head -1`): 128 + SIGPIPE, as a program killed by it reports. */
  OUTPUT_CLOSED: 141,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION':
      return EXIT.USAGE;
    case 'NOT_FOUND':
      return EXIT.NOT_FOUND;
    case 'ALREADY_EXISTS':
    case 'CONFLICT':
      return EXIT.CONFLICT;
    case 'INTEGRITY':
    case 'CRYPTO':
      return EXIT.INTEGRITY;
    case 'CONFIG':
    case 'AUTH':
      return EXIT.CONFIG;
    case 'SERVER':
    case 'NETWORK':
    case 'UNSAFE_URL':
    case 'TOO_LARGE':
      return EXIT.REMOTE;
    case 'LOCKED':
      return EXIT.LOCKED;
    case 'STORAGE':
      return EXIT.STORAGE;
    case 'CANCELLED':
      return EXIT.CANCELLED;
    case 'PREFLIGHT':
      return EXIT.PREFLIGHT;
    case 'REVIEW':
      return EXIT.REVIEW;
  }
}
