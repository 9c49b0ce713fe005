import type { Streams } from './output';

interface ProcessStream {
  write(s: string | Uint8Array): boolean;
  on(event: 'error', listener: (e: NodeJS.ErrnoException) => void): unknown;
}

export interface GuardedStdio {
  streams: Streams;
  /** True once stdout's reader has gone away (EPIPE). */
  readonly closed: boolean;
  /** Settles when stdout's reader goes away: long-running commands (`sync --watch`) stop then. */
  readonly whenClosed: Promise<void>;
}

/**
 * stdout and stderr of the CLI process, safe against a reader that stops early
 * (`escher-playbook list | head -1`). The next write then fails with EPIPE, which Node emits as
 * an 'error' event and, unhandled, turns into a crash with a stack trace. Like a program killed
 * by SIGPIPE, the CLI instead stops writing and exits 141 (128 + SIGPIPE), saying nothing: the
 * reader asked for no more. Work in progress finishes (every store write is atomic anyway).
 * Another write error on stdout (a full disk under `> file`) is one line on stderr and exit 13.
 * An error writing stderr has nowhere to be reported and is dropped.
 */
export function guardStdio(proc: { stdout: ProcessStream; stderr: ProcessStream }, setExitCode: (code: number) => void, codes: { closed: number; storage: number }): GuardedStdio {
  let closed = false;
  let markClosed!: () => void;
  const whenClosed = new Promise<void>((r) => (markClosed = r));
  let stderrBroken = false;
  proc.stdout.on('error', (e) => {
    if (closed) return;
    closed = true;
    markClosed();
    if (e.code === 'EPIPE') {
      setExitCode(codes.closed);
      return;
    }
    setExitCode(codes.storage);
    if (!stderrBroken) proc.stderr.write(`error: cannot write the output (${e.code ?? 'unknown error'})\n`);
  });
  proc.stderr.on('error', () => {
    stderrBroken = true;
  });
  return {
    streams: {
      stdout: { write: (s) => (closed ? false : proc.stdout.write(s)) },
      stderr: { write: (s) => (stderrBroken ? false : proc.stderr.write(s)) },
    },
    get closed() {
      return closed;
    },
    whenClosed,
  };
}
