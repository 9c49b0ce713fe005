import type { HttpEscherApi } from '../core/escher-api/client';
import { ConfigError } from '../core/shared/errors';
import type { CliContext } from './context';

/**
 * The server client for review commands: the reviewer token (ESCHER_REVIEWER_TOKEN, or
 * `login --reviewer` in the 0600 secrets file) when one is set, else the usual token. A reviewer
 * who is also an author can so keep both, and publishing never runs with reviewer rights by accident.
 */
export async function reviewerApi(ctx: CliContext): Promise<HttpEscherApi> {
  const config = ctx.config();
  if (!config.serverUrl) throw new ConfigError('No Escher server configured', { hint: 'set ESCHER_SERVER_URL or run `escher-playbook login --server URL`' });
  if (!config.tenantId) throw new ConfigError('No Escher tenant configured', { hint: 'set ESCHER_TENANT_ID or run `escher-playbook login --tenant ID`' });
  const secrets = ctx.secrets();
  const token = (await secrets.get('escher.reviewerToken')) ?? (await secrets.get('escher.token'));
  if (!token) throw new ConfigError('No Escher token configured', { hint: 'set ESCHER_REVIEWER_TOKEN (or ESCHER_TOKEN), or run `escher-playbook login --reviewer`' });
  const { HttpEscherApi } = await import('../core/escher-api/client.js');
  return new HttpEscherApi({ serverUrl: config.serverUrl, tenantId: config.tenantId, token, logger: ctx.logger });
}
