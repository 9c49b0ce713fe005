import type { Command } from 'commander';
import { verifyConnection } from '../../core/escher-api/verify-connection';
import { ConfigError, ValidationError } from '../../core/shared/errors';
import { saveHomeSettings } from '../../core/shared/home-config';
import type { CliContext } from '../context';
import { promptHidden, readAll } from '../prompt';

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
      if (o.server !== undefined && !/^https?:\/\/[^\s]+$/.test(o.server)) throw new ValidationError(`--server "${o.server}" is not an http(s) URL`);
      const token = o.tokenStdin ? await readAll(process.stdin) : process.stdin.isTTY ? await promptHidden('Escher token: ') : '';
      if (!token.trim() && o.tokenStdin) throw new ValidationError('No token on stdin');
      const serverUrl = o.server ?? config.serverUrl;
      const tenantId = o.tenant ?? config.tenantId;
      // With all three known, one request checks them together before anything is saved (the
      // extension's Connect makes the same check).
      if (token.trim() && serverUrl && tenantId) {
        const check = await verifyConnection({ serverUrl, tenantId, token });
        if (!check.ok) throw new ConfigError(`Not logged in: ${check.detail}`, { hintCode: check.reason });
      }
      if (o.server !== undefined || o.tenant !== undefined) {
        await saveHomeSettings(config.home, { ...(o.server !== undefined ? { serverUrl: o.server.replace(/\/+$/, '') } : {}), ...(o.tenant !== undefined ? { tenantId: o.tenant } : {}) });
      }
      if (token.trim()) await ctx.secrets().set('escher.token', token.trim());
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
