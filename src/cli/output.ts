import { isEscherError } from '../core/shared/errors';
import { cliHint, describeForCli } from './hints';
import { redact } from '../core/shared/logger';
import { printable, printableJson } from '../core/shared/printable';

export interface Streams {
  stdout: { write(s: string | Uint8Array): unknown };
  stderr: { write(s: string): unknown };
  /** Settles when stdout's reader has gone away (`| head`); see stdio-guard.ts. */
  outputClosed?: Promise<void>;
}

/**
 * Everything the CLI prints goes through here. stdout carries the result only (JSON with
 * --json, text otherwise) so it can be piped; notes, warnings and errors go to stderr. Every
 * text is made terminal-safe here (printable.ts), whoever built it: a human result given as lines
 * has each line escaped as one line (a newline inside a name cannot forge a row), a result given
 * as one string may span lines; JSON keeps its meaning with the dangerous characters \u-escaped.
 */
export class Output {
  constructor(
    private readonly streams: Streams,
    private readonly isJson: () => boolean,
  ) {}

  get json(): boolean {
    return this.isJson();
  }

  /** Settles when nobody reads the output any more; never, for streams that cannot tell. */
  get closed(): Promise<void> {
    return this.streams.outputClosed ?? new Promise<void>(() => undefined);
  }

  /** The command's result: `value` as one JSON document with --json, else the human text. */
  result(value: unknown, human: () => string | readonly string[]): void {
    if (this.json) {
      // Indented for a terminal; compact when piped (2-3x faster to produce and parse for 10k-item lists).
      const tty = (this.streams.stdout as { isTTY?: boolean }).isTTY === true;
      this.streams.stdout.write(printableJson(JSON.stringify(value, null, tty ? 2 : undefined)) + '\n');
      return;
    }
    const text = human();
    const lines = typeof text === 'string' ? printable(text, { multiline: true }) : text.map((l) => printable(l)).join('\n');
    if (lines.length) this.streams.stdout.write(lines.endsWith('\n') ? lines : lines + '\n');
  }

  /**
   * A result already serialised as compact JSON (a 10k-item listing straight from the catalog):
   * written as it is when piped, indented for a terminal like result().
   */
  jsonText(text: string): void {
    const tty = (this.streams.stdout as { isTTY?: boolean }).isTTY === true;
    this.streams.stdout.write(printableJson(tty ? JSON.stringify(JSON.parse(text), null, 2) : text) + '\n');
  }

  /** One compact JSON document on its own line (a stream of events, e.g. `sync --watch --json`). */
  jsonLine(value: unknown): void {
    this.streams.stdout.write(printableJson(JSON.stringify(value)) + '\n');
  }

  /** JSON text to stdout as it is but terminal-safe (a bundle written to "-"). */
  jsonDocument(text: string): void {
    this.streams.stdout.write(printableJson(text));
  }

  /** Raw bytes to stdout (a script's content). */
  raw(bytes: Uint8Array): void {
    this.streams.stdout.write(bytes);
  }

  /** Progress and hints for a human (stderr; silent with --json). */
  note(message: string): void {
    if (!this.json) this.streams.stderr.write(printable(redact(message), { multiline: true }) + '\n');
  }

  warn(message: string): void {
    this.streams.stderr.write(this.json ? printableJson(JSON.stringify({ warning: redact(message) })) + '\n' : `warning: ${printable(redact(message), { multiline: true })}\n`);
  }

  /** A --verbose log line (stderr). */
  log(message: string): void {
    this.streams.stderr.write(printable(redact(message), { multiline: true }) + '\n');
  }

  /** One line on stderr: "error: <what> (<what to do>)", or a JSON object with --json. */
  error(e: unknown): void {
    const message = redact(describeForCli(e)).replace(/\s*\n\s*/g, ' ');
    if (this.json) {
      const code = isEscherError(e) ? e.code : 'INTERNAL';
      const shown = cliHint(e);
      const hint = shown ? redact(shown) : undefined;
      const raw = isEscherError(e) ? redact(e.message) : message;
      this.streams.stderr.write(printableJson(JSON.stringify({ error: { code, message: raw, ...(hint ? { hint } : {}) } })) + '\n');
    } else {
      this.streams.stderr.write(`error: ${printable(message)}\n`);
    }
  }
}

/** A plain text table: columns padded to their widest cell, the last column unpadded. */
export function table(header: readonly string[], cells: readonly (readonly string[])[]): string[] {
  // Escaped before measuring, so an escape sequence cannot break the alignment either.
  const rows = cells.map((r) => r.map((c) => printable(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}
