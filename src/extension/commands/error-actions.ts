/**
 * Errors from the core arrive from a separate bundle (dist/extension-core.js), so `instanceof
 * EscherError` would test against another copy of the class: the extension reads the typed
 * error's stable fields (`code`, `hint`, see core/shared/errors.ts) instead.
 */
export interface ErrorInfo {
  code: string | undefined;
  message: string;
  hint: string | undefined;
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) {
    const o = e as Error & { code?: unknown; hint?: unknown };
    return { code: typeof o.code === 'string' ? o.code : undefined, message: e.message, hint: typeof o.hint === 'string' ? o.hint : undefined };
  }
  return { code: undefined, message: String(e), hint: undefined };
}

/** One line: the message plus the typed error's hint (what to do about it). */
export function describe(e: unknown): string {
  const i = errorInfo(e);
  return i.hint ? `${i.message} (${i.hint})` : i.message;
}

/**
 * The next action to offer with an error, from its typed code: a 401 → Sign In, a network or
 * server failure → Retry, bad configuration → Open Settings; always the log.
 */
export function errorActions(e: unknown): string[] {
  switch (errorInfo(e).code) {
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

export function errorMessage(commandTitle: string, e: unknown): string {
  return `${commandTitle} failed: ${describe(e)}`;
}

export function isCancellation(e: unknown): boolean {
  return errorInfo(e).code === 'CANCELLED';
}
