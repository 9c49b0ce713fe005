import type { SecretKey, SecretStore } from '../../src/core/shared/secrets';

/** An in-memory SecretStore (what VS Code's SecretStorage or the CLI's 0600 file do for real). */
export class MemorySecrets implements SecretStore {
  readonly values = new Map<SecretKey, string>();

  constructor(initial: Partial<Record<SecretKey, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.values.set(k as SecretKey, v);
  }

  get(key: SecretKey): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }

  set(key: SecretKey, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }

  delete(key: SecretKey): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
}
