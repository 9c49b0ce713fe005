import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-fs';
import { ConfigError, LockedError } from './errors';
import { withFileLock } from './file-lock';
import type { SecretKey, SecretStore } from './secrets';
import { readPrivateFile } from './private-file';

/** The secrets file under $ESCHER_HOME (see FileSecretStore). */
export const SECRETS_FILE = 'secrets.json';

const ENV_FOR: Record<SecretKey, string> = {
  'escher.token': 'ESCHER_TOKEN',
  'escher.dataKey': 'ESCHER_KEY',
  'escher.qdrantApiKey': 'ESCHER_QDRANT_API_KEY',
};

/**
 * The SecretStore of a process without an OS keychain — the CLI's, and the extension's source of
 * the data key the CLI created. Environment variables win (ESCHER_TOKEN, ESCHER_KEY,
 * ESCHER_QDRANT_API_KEY), so CI never needs a file; otherwise `$ESCHER_HOME/secrets.json`:
 *
 *   { "escher.token": "…", "escher.dataKey": "<base64 32 bytes>" }     mode 0600, owner = you
 *
 * A file that group or others could read is refused (not silently used, not silently fixed):
 * its secrets may already have leaked and the user should know. Writes are atomic, created
 * 0600, under a lock so two processes creating the data key at once agree on one key.
 */
export class FileSecretStore implements SecretStore {
  readonly file: string;

  constructor(
    home: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = path.join(home, SECRETS_FILE);
  }

  /** Which env var overrides `key` (for messages such as "logout cannot unset ESCHER_TOKEN"). */
  envVarFor(key: SecretKey): string {
    return ENV_FOR[key];
  }

  async get(key: SecretKey): Promise<string | undefined> {
    const fromEnv = this.env[ENV_FOR[key]];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return (await this.readFile())[key];
  }

  /**
   * Stores `value`. The data key is never replaced once written (data encrypted under it would
   * become unreadable): a second writer racing to create it keeps the first one's key.
   */
  async set(key: SecretKey, value: string): Promise<void> {
    await this.update((all) => {
      if (key === 'escher.dataKey' && all[key] !== undefined) return false;
      all[key] = value;
      return true;
    });
  }

  async delete(key: SecretKey): Promise<void> {
    await this.update((all) => {
      if (all[key] === undefined) return false;
      delete all[key];
      return true;
    });
  }

  private async update(change: (all: Partial<Record<SecretKey, string>>) => boolean): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await withFileLock(
      {
        file: this.file,
        dir,
        staleMs: 10_000,
        waitMs: 5_000,
        maxBackoffMs: 100,
        busy: (cause) => new LockedError(`Another process has been writing ${this.file} for over 5 s`, { hint: 'try again; if it persists, remove the stale secrets.json.lock folder', cause }),
      },
      async () => {
        const all = await this.readFile();
        if (change(all)) await writeFileAtomic(this.file, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
      },
    );
  }

  private async readFile(): Promise<Partial<Record<SecretKey, string>> & Record<string, string>> {
    const text = await readPrivateFile(this.file, 'your secrets');
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`${this.file} is not a JSON object`, { hint: 'fix it, or delete it and sign in again', hintCode: 'secrets-file-invalid' });
    }
    // Every string entry is kept (not just the keys this version knows), so a rewrite never drops one.
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    return out;
  }
}
