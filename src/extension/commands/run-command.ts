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
 * stack and shown as one line (the typed error's message and hint) with the next action its code
 * calls for — Sign In, Retry (runs the command again with the same arguments), Open Settings,
 * Open Log. Nothing is swallowed without a word, and no error escapes to VS Code's generic toast.
 */
export async function runCommand(host: CommandErrorHost, id: string, title: string, handler: CommandHandler, args: unknown[]): Promise<void> {
  try {
    await handler(...args);
  } catch (e) {
    if (isCancellation(e)) return;
    host.log.error(`${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const choice = await host.ui.error(errorMessage(title, e), ...errorActions(e));
    if (choice === 'Retry') await runCommand(host, id, title, handler, args);
    else if (choice === 'Sign In') await host.ui.executeCommand('escher.signIn');
    else if (choice === 'Open Settings') await host.ui.executeCommand('workbench.action.openSettings', 'escher.');
    else if (choice === 'Open Log') host.showLog();
  }
}
