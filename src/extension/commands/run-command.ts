import type { Logger } from '../../core/shared/logger';
import type { UiHost } from '../ui/ui-host';
import { errorActions, errorMessage, isCancellation } from './error-actions';

export type CommandHandler = (...args: unknown[]) => Promise<unknown>;

/** What the error policy needs from the extension beyond the editor. */
export interface CommandErrorHost {
  ui: UiHost;
  log: Logger;
  showLog(): void;
}

/**
 * Every command's one error policy: a cancellation is silent; anything else is logged with its
 * stack and shown as one line (the typed error's message and, in VS Code's words, its hint) with
 * the next actions it calls for (error-actions.ts): the hint's own command (Sign In…, Connect…,
 * Check Store), Retry (runs the command again with the same arguments), Open Settings, Open Log. Nothing is swallowed without a word, and no error escapes to VS Code's generic toast.
 */
export async function runCommand(host: CommandErrorHost, id: string, title: string, handler: CommandHandler, args: unknown[]): Promise<void> {
  try {
    await handler(...args);
  } catch (e) {
    if (isCancellation(e)) return;
    host.log.error(`${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const actions = errorActions(e);
    const label = await host.ui.error(errorMessage(title, e), ...actions.map((a) => a.label));
    const chosen = actions.find((a) => a.label === label);
    if (chosen?.kind === 'retry') await runCommand(host, id, title, handler, args);
    else if (chosen?.kind === 'command') await host.ui.executeCommand(chosen.command, ...(chosen.args ?? []));
    else if (chosen?.kind === 'log') host.showLog();
  }
}
