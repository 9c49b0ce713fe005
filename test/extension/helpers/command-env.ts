import * as path from 'node:path';
import { PlaybookService } from '../../../src/core/service';
import { resolveConfig } from '../../../src/core/shared/config';
import { silentLogger } from '../../../src/core/shared/logger';
import type { CommandContext } from '../../../src/extension/commands/command-context';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { type Answer, ScriptedUi } from './scripted-ui';
import { tempHome } from './temp-home';

/** A real PlaybookService on a temp home (optionally pointed at a server) and a scripted UI. */
export async function commandEnv(
  t: Parameters<typeof tempHome>[0],
  options: { answers?: Answer[]; serverUrl?: string; tenantId?: string; token?: string } = {},
): Promise<{ home: string; svc: PlaybookService; ui: ScriptedUi; ctx: CommandContext }> {
  const home = await tempHome(t);
  const config = resolveConfig({ home, serverUrl: options.serverUrl ?? '', tenantId: options.tenantId ?? '', syncEnabled: false, search: { localModelPath: path.join(home, 'models') } }, {});
  const secrets = new MemorySecrets(options.token ? { 'escher.token': options.token } : {});
  const svc = new PlaybookService(config, { secrets, logger: silentLogger });
  t.after(async () => svc.dispose());
  const ui = new ScriptedUi(options.answers ?? []);
  return { home, svc, ui, ctx: { ui, service: async () => svc, log: silentLogger } };
}
