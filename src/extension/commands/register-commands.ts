import * as vscode from 'vscode';
import { commandTable, type CommandsHost } from './command-table';
import { runCommand } from './run-command';

/**
 * Binds every command of the table to VS Code, each run under the one error policy (run-command.ts).
 * The only part of the commands that touches the editor API: the flows themselves run over UiHost.
 */
export function registerCommands(host: CommandsHost): vscode.Disposable {
  const errors = { ui: host.ctx.ui, log: host.ctx.log, showLog: () => host.showLog() };
  return vscode.Disposable.from(...commandTable(host).map((c) => vscode.commands.registerCommand(c.id, (...args: unknown[]) => runCommand(errors, c.id, c.title, c.handler, args))));
}
