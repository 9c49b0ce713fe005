import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeJsonAtomic } from './atomic-fs';
import type { ConfigOverrides } from './config';
import { ConfigError } from './errors';

/**
 * The non-secret settings `escher-playbook login` saves, shared by the CLI and the extension:
 *
 *   $ESCHER_HOME/config.json = { "serverUrl"?: string, "tenantId"?: string }
 *
 * Other keys are kept as they are when the file is rewritten. Secrets never go here (see
 * FileSecretStore and VS Code's SecretStorage).
 */
export const HOME_CONFIG_FILE = 'config.json';

export interface HomeSettings {
  serverUrl?: string;
  tenantId?: string;
}

export function homeConfigFile(home: string): string {
  return path.join(home, HOME_CONFIG_FILE);
}

/**
 * The overrides config.json gives, for the fields no environment variable sets (the environment
 * beats the file, as it does everywhere else). Read synchronously: both hosts resolve their
 * configuration in synchronous code. A missing file gives nothing; a file that is not a JSON
 * object is a ConfigError that names it.
 */
export function readHomeSettings(home: string, env: NodeJS.ProcessEnv = process.env): ConfigOverrides {
  const file = homeConfigFile(home);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const o = parseObject(file, text);
  const overrides: ConfigOverrides = {};
  if (typeof o.serverUrl === 'string' && !env.ESCHER_SERVER_URL) overrides.serverUrl = o.serverUrl;
  if (typeof o.tenantId === 'string' && !env.ESCHER_TENANT_ID) overrides.tenantId = o.tenantId;
  return overrides;
}

/** Merges `settings` into config.json (atomically; keys it does not name are kept). */
export async function saveHomeSettings(home: string, settings: HomeSettings): Promise<void> {
  const file = homeConfigFile(home);
  let current: Record<string, unknown> = {};
  try {
    current = parseObject(file, await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await writeJsonAtomic(file, { ...current, ...settings });
}

function parseObject(file: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON`, { hint: 'fix or delete it', cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`${file} is not a JSON object`, { hint: 'fix or delete it' });
  return parsed as Record<string, unknown>;
}
