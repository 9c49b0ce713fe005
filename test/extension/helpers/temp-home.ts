import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh $ESCHER_HOME per test, removed afterwards. */
export async function tempHome(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-ext-test-'));
  t.after(() => fs.rm(home, { recursive: true, force: true }));
  return home;
}

// The shared in-memory SecretStore (string values per key, as VS Code's SecretStorage).
export { MemorySecrets } from '../../helpers/memory-secrets';
