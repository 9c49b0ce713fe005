import { describeError, isEscherError } from '../../core/shared/errors';

/**
 * The next action to offer with an error, from its typed code: a 401 → Sign In, a network or
 * server failure → Retry, bad configuration → Open Settings; always the log.
 */
export function errorActions(e: unknown): string[] {
  if (!isEscherError(e)) return ['Open Log'];
  switch (e.code) {
    case 'AUTH':
      return ['Sign In', 'Open Log'];
    case 'NETWORK':
    case 'SERVER':
    case 'LOCKED':
      return ['Retry', 'Open Log'];
    case 'CONFIG':
    case 'UNSAFE_URL':
      return ['Open Settings', 'Open Log'];
    default:
      return ['Open Log'];
  }
}

/** One line: what went wrong and, from the typed error's hint, what to do. */
export function errorMessage(commandTitle: string, e: unknown): string {
  return `${commandTitle} failed: ${describeError(e)}`;
}

export function isCancellation(e: unknown): boolean {
  return isEscherError(e) && e.code === 'CANCELLED';
}
