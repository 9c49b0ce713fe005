import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import type { RunTerminal } from '../ui/ui-host';

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const BACKSPACES = new Set(['\x7f', '\b']);

/**
 * The terminal side of a run, without the editor: VS Code's Pseudoterminal (run-pseudoterminal.ts)
 * forwards its events here, and tests drive it directly.
 *
 * The commands' stdin is a pipe, not a terminal, so nothing else echoes or edits what the user
 * types: this is the line discipline a terminal would have — echo, backspace, Enter sends the line,
 * Ctrl-C interrupts the run, Ctrl-D ends the input. Output written before the terminal opened
 * (VS Code drops it) is kept and shown when it opens. After `finish`, the next key closes the
 * terminal with the run's exit code, so the output stays readable until the user is done with it.
 */
export class TerminalSession implements RunTerminal {
  readonly input = new PassThrough();
  private readonly controller = new AbortController();
  private pending: string[] | undefined = [];
  private line = '';
  private exitCode: number | undefined;
  private closed = false;

  constructor(
    private readonly out: (text: string) => void,
    private readonly close: (exitCode: number | undefined) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The terminal is shown: what was written before appears now. */
  open(): void {
    const before = this.pending ?? [];
    this.pending = undefined;
    for (const text of before) this.out(text);
  }

  write(text: string): void {
    // A terminal needs CR LF; a lone LF only moves the cursor down.
    const crlf = text.replace(/\r?\n/g, '\r\n');
    if (this.pending) this.pending.push(crlf);
    else if (!this.closed) this.out(crlf);
  }

  /** Keys typed into the terminal (one key or a pasted text). */
  handleInput(data: string): void {
    if (this.exitCode !== undefined) {
      this.closed = true;
      this.close(this.exitCode);
      return;
    }
    if (this.controller.signal.aborted) return;
    // Arrow keys and other escape sequences edit nothing here: dropped, never sent to the command.
    for (const ch of stripVTControlCharacters(data)) {
      if (this.controller.signal.aborted) break;
      this.key(ch);
    }
  }

  private key(ch: string): void {
    if (ch === CTRL_C) {
      this.write('^C\n');
      this.controller.abort();
    } else if (ch === CTRL_D) {
      this.sendLine(false);
      this.input.end();
    } else if (ch === '\r' || ch === '\n') {
      this.write('\n');
      this.sendLine(true);
    } else if (BACKSPACES.has(ch)) {
      if (this.line.length === 0) return;
      this.line = [...this.line].slice(0, -1).join('');
      this.write('\b \b');
    } else if (ch >= ' ') {
      this.line += ch;
      this.write(ch);
    }
  }

  private sendLine(newline: boolean): void {
    if (this.input.writableEnded) return;
    const text = newline ? `${this.line}\n` : this.line;
    this.line = '';
    if (text) this.input.write(text);
  }

  /** The user closed the terminal: a run still going is interrupted. */
  closedByUser(): void {
    this.closed = true;
    this.controller.abort();
    if (!this.input.writableEnded) this.input.end();
  }

  finish(exitCode: number, message: string): void {
    this.write(`\n${message}\n\x1b[2mPress any key to close the terminal.\x1b[0m\n`);
    this.exitCode = exitCode;
    if (!this.input.writableEnded) this.input.end();
  }
}
