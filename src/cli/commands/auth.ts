import type { Command } from 'commander';
import { ValidationError } from '../../core/shared/errors';
import { saveHomeSettings } from '../../core/shared/home-config';
import type { CliContext } from '../context';

interface LoginOptions {
  server?: string;
  tenant?: string;
  tokenStdin?: boolean;
}

/**
 * login: saves the bearer token to the 0600 secrets file (never taken from argv, where `ps`
 * would show it: stdin or an interactive prompt) and the server URL / tenant to config.json.
 * logout: forgets the token.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('store the Escher server URL, tenant and token (token read from stdin or a prompt)')
    .option('--server <url>', 'Escher server base URL, e.g. https://escher.example.com')
    .option('--tenant <id>', 'tenant id')
    .option('--token-stdin', 'read the token from stdin (for scripts: `echo $T | escher-playbook login --token-stdin`)')
    .action(async (o: LoginOptions) => {
      const config = ctx.config();
      if (o.server !== undefined || o.tenant !== undefined) {
        if (o.server !== undefined && !/^https?:\/\/[^\s]+$/.test(o.server)) throw new ValidationError(`--server "${o.server}" is not an http(s) URL`);
        await saveHomeSettings(config.home, { ...(o.server !== undefined ? { serverUrl: o.server.replace(/\/+$/, '') } : {}), ...(o.tenant !== undefined ? { tenantId: o.tenant } : {}) });
      }
      const token = o.tokenStdin ? await readAll(process.stdin) : process.stdin.isTTY ? await promptHidden('Escher token: ') : '';
      if (token.trim()) await ctx.secrets().set('escher.token', token.trim());
      else if (o.tokenStdin) throw new ValidationError('No token on stdin');
      ctx.out.result({ home: config.home, tokenSaved: token.trim() !== '', server: o.server, tenant: o.tenant }, () =>
        token.trim() ? `token saved to ${ctx.secrets().file} (mode 0600)` : 'settings saved (no token given)',
      );
    });
  program
    .command('logout')
    .description('forget the stored token')
    .action(async () => {
      const secrets = ctx.secrets();
      await secrets.delete('escher.token');
      const envVar = secrets.envVarFor('escher.token');
      if (ctx.env[envVar]) ctx.out.warn(`${envVar} is set in the environment and still applies`);
      ctx.out.result({ loggedOut: true }, () => 'token removed');
    });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
