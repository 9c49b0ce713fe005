import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SecretKey, SecretStore } from '../../../src/core/shared/secrets';

/** A fresh $ESCHER_HOME per test, removed afterwards. */
export async function tempHome(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-ext-test-'));
  t.after(() => fs.rm(home, { recursive: true, force: true }));
  return home;
}

/** SecretStorage stand-in with VS Code's semantics (string values, per key). */
export class MemorySecrets implements SecretStore {
  readonly values = new Map<SecretKey, string>();
  async get(key: SecretKey): Promise<string | undefined> {
    return this.values.get(key);
  }
  async set(key: SecretKey, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: SecretKey): Promise<void> {
    this.values.delete(key);
  }
}
