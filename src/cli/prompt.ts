/** Reading secrets interactively or from stdin, never from argv (where `ps` and shell history keep them). */

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads one line from the terminal without echoing it. Echo is switched off (raw mode) BEFORE the
 * question is shown, so nothing typed or pasted as soon as the prompt appears is echoed.
 * Ctrl-C exits 130 with the terminal restored; Ctrl-D or Enter ends the input; Backspace edits.
 */
export async function promptHidden(question: string, io: { stdin: NodeJS.ReadStream; stderr: NodeJS.WritableStream } = process): Promise<string> {
  const { stdin, stderr } = io;
  stdin.setRawMode(true);
  stdin.resume();
  stderr.write(question);
  return new Promise((resolve) => {
    let value = '';
    const finish = (): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
    };
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
