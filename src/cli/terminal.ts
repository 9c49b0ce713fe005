import * as readline from 'node:readline';

/**
 * Talking to the person at the terminal (stderr, so stdout stays the command's result). Only
 * used when stdin and stderr are terminals: a command run from a script gets a clear error
 * instead of a prompt nobody answers.
 */
export function isInteractive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal without echoing it; undefined when the user pressed Ctrl-C. */
export async function promptHidden(question: string): Promise<string | undefined> {
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let value = '';
    const done = (result: string | undefined) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(result);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(value);
        if (ch === '\u0003') return done(undefined);
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Reads a line with echo; undefined on Ctrl-C or end of input. */
export function promptLine(question: string): Promise<string | undefined> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (answered) return;
      process.stderr.write('\n');
      resolve(undefined);
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

/** y/N question: only "y" or "yes" agrees. */
export async function confirm(question: string): Promise<boolean> {
  const answer = await promptLine(`${question} [y/N] `);
  return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
}
