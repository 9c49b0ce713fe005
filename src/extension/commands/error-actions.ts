import { isHintCode, type HintCode } from '../../core/shared/hint-codes';
import { EXTENSION_HINTS, type HintAction } from '../hints';

/**
 * Errors from the core arrive from a separate bundle (dist/extension-core.js), so `instanceof
 * EscherError` would test against another copy of the class: the extension reads the typed
 * error's stable fields (`code`, `hintCode`, `hint`, see core/shared/errors.ts) instead.
 */
export interface ErrorInfo {
  code: string | undefined;
  message: string;
  /** What to do, in the extension's words: its table's text for the hint code, else the error's own hint. */
  hint: string | undefined;
  hintCode: HintCode | undefined;
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) {
    const o = e as Error & { code?: unknown; hint?: unknown; hintCode?: unknown };
    const hintCode = isHintCode(o.hintCode) ? o.hintCode : undefined;
    const hint = hintCode ? EXTENSION_HINTS[hintCode].text : typeof o.hint === 'string' ? o.hint : undefined;
    return { code: typeof o.code === 'string' ? o.code : undefined, message: e.message, hint, hintCode };
  }
  return { code: undefined, message: String(e), hint: undefined, hintCode: undefined };
}

/** One line: the message plus what to do about it. */
export function describe(e: unknown): string {
  const i = errorInfo(e);
  return i.hint ? `${i.message} (${i.hint})` : i.message;
}

/** A button of an error message: run a command, run the failed command again, or show the log. */
export type ErrorAction = { label: string; kind: 'retry' } | { label: string; kind: 'log' } | ({ kind: 'command' } & HintAction);

const RETRY: ErrorAction = { label: 'Retry', kind: 'retry' };
const LOG: ErrorAction = { label: 'Open Log', kind: 'log' };

/**
 * The next actions to offer with an error: the hint code's own button (Sign In…, Connect…,
 * Check Store…), Retry for what may pass (network, server, a lock), Open Settings for other bad
 * configuration, and always the log.
 */
export function errorActions(e: unknown): ErrorAction[] {
  const i = errorInfo(e);
  const out: ErrorAction[] = [];
  const hint = i.hintCode ? EXTENSION_HINTS[i.hintCode] : undefined;
  const own = hint?.action;
  if (own) out.push({ kind: 'command', ...own });
  // A reviewer refused for deciding on its own upload is signed in fine: Sign In would not help.
  else if (i.code === 'AUTH' && i.hintCode !== 'self-review') out.push({ kind: 'command', label: 'Sign In…', command: 'escher.signIn' });
  if (hint?.also) out.push({ kind: 'command', ...hint.also });
  if (i.code === 'NETWORK' || i.code === 'SERVER' || i.code === 'LOCKED') out.push(RETRY);
  if (!own && (i.code === 'CONFIG' || i.code === 'UNSAFE_URL')) out.push({ kind: 'command', label: 'Open Settings', command: 'workbench.action.openSettings', args: ['escher.'] });
  out.push(LOG);
  return out;
}

export function errorMessage(commandTitle: string, e: unknown): string {
  return `${commandTitle} failed: ${describe(e)}`;
}

export function isCancellation(e: unknown): boolean {
  return errorInfo(e).code === 'CANCELLED';
}
