import * as vscode from 'vscode';
import type { Disposable } from '../core/shared/disposable';
import { Stopwatch } from './util/stopwatch';

/**
 * Entry point, kept tiny (GitLens/Continue style): time the activation, load the rest with a
 * dynamic import, and when anything fails offer the log and a retry instead of a dead sidebar.
 * Activation builds no service, reads no playbook and loads no model: the container does that on
 * first use (see container.ts).
 */
let container: Disposable | undefined;

export interface EscherExtensionApi {
  /** How long activate() took, for the bench and the e2e log. */
  activationMs: number;
}

export async function activate(context: vscode.ExtensionContext): Promise<EscherExtensionApi> {
  const sw = new Stopwatch();
  const log = vscode.window.createOutputChannel('Escher Playbooks', { log: true });
  context.subscriptions.push(log);
  await start(context, log);
  const activationMs = sw.elapsedMs();
  log.info(`Escher Playbooks ${String(context.extension.packageJSON.version)} activated in ${activationMs} ms`);
  return { activationMs };
}

async function start(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<void> {
  try {
    const { Container } = await import('./container.js');
    container = Container.create(context, log);
  } catch (e) {
    log.error(`activation failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showErrorMessage(`Escher Playbooks could not start: ${e instanceof Error ? e.message : String(e)}`, 'View Logs', 'Retry').then((choice) => {
      if (choice === 'View Logs') log.show();
      if (choice === 'Retry') void start(context, log);
    });
  }
}

export function deactivate(): void {
  container?.dispose();
  container = undefined;
}
