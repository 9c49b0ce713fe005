import * as readline from 'node:readline';

/**
 * Talking to the person at the terminal (stderr, so stdout stays the command's result). Only
 * used when stdin and stderr are terminals: a command run from a script gets a clear error
 * instead of a prompt nobody answers. Hidden input (secrets) is prompt.ts's promptHidden.
 */
export function isInteractive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
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
