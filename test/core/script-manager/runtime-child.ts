// Child process for runtime-files.test.ts: resolves a sensitive store script (which writes a
// decrypted copy) and exits normally, without disposing anything. argv: home playbookId; the data
// key comes in ESCHER_TEST_KEY. Prints the resolved path.
import * as path from 'node:path';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { createScriptManager } from '../../../src/core/script-manager/create';
import { systemClock } from '../../../src/core/shared/clock';
import { resolveConfig } from '../../../src/core/shared/config';
import { silentLogger } from '../../../src/core/shared/logger';
import { MemorySecrets } from './fixtures';

async function main(): Promise<void> {
  const [home, id] = process.argv.slice(2) as [string, string];
  const config = resolveConfig({ home }, {});
  const store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new MemorySecrets({ 'escher.dataKey': process.env.ESCHER_TEST_KEY ?? '' }) });
  const manager = createScriptManager(config, { store, logger: silentLogger, clock: systemClock, runtimeDir: path.join(home, 'run') });
  const r = await manager.resolveScript(id, 'shell');
  process.stdout.write(`${r.path}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
