// Child process for concurrency.test.ts: resolves one script in a shared $ESCHER_HOME and prints
// the result as one JSON line. argv: home serverUrl id format version
import * as path from 'node:path';
import { HttpEscherApi } from '../../../src/core/escher-api/client';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { createScriptManager } from '../../../src/core/script-manager/create';
import { systemClock } from '../../../src/core/shared/clock';
import { resolveConfig } from '../../../src/core/shared/config';
import { silentLogger } from '../../../src/core/shared/logger';
import type { ScriptFormat } from '../../../src/core/playbook-store/metadata';
import { MemorySecrets } from './fixtures';

async function main(): Promise<void> {
  const [home, serverUrl, id, format, version, token] = process.argv.slice(2) as [string, string, string, ScriptFormat, string, string];
  const config = resolveConfig({ home, serverUrl, tenantId: 'acme' }, {});
  const api = new HttpEscherApi({ serverUrl, tenantId: 'acme', token });
  const store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new MemorySecrets() });
  const manager = createScriptManager(config, { store, server: async () => api, logger: silentLogger, clock: systemClock, runtimeDir: path.join(home, 'run') });
  // Both children start, then wait for the parent's "go" on stdin so they really race.
  process.stdout.write('ready\n');
  await new Promise((r) => process.stdin.once('data', r));
  const r = await manager.resolveScript(id, format, version);
  process.stdout.write(JSON.stringify({ source: r.source, path: r.path, sha256: r.sha256 }) + '\n');
  api.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
