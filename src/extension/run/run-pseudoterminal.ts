import * as vscode from 'vscode';
import type { RunTerminal } from '../ui/ui-host';
import { TerminalSession } from './terminal-session';

/**
 * A run's terminal in VS Code: a Pseudoterminal whose output is the run engine's sink and whose
 * input feeds the commands' stdin (terminal-session.ts does both). No shell is started: the
 * engine runs the exact argv the user confirmed, and the terminal closes with its exit code.
 */
export function openRunPseudoterminal(name: string): RunTerminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  const session = new TerminalSession(
    (text) => write.fire(text),
    (code) => {
      close.fire(code);
      write.dispose();
      close.dispose();
    },
  );
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => session.open(),
    close: () => session.closedByUser(),
    handleInput: (data) => session.handleInput(data),
  };
  const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('play'), isTransient: true });
  terminal.show();
  return session;
}
