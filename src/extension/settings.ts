import * as os from 'node:os';
import * as path from 'node:path';
import { type ConfigOverrides, type PlaybookConfig, defaultHome, resolveConfig } from '../core/shared/config';
import { readHomeSettings } from '../core/shared/home-config';
import { describe } from './commands/error-actions';
import { GROUP_BY, type GroupBy } from './tree/grouping';

/**
 * The extension's settings (package.json `contributes.configuration`, section `escher`) mapped onto
 * the core's PlaybookConfig overrides. An empty string or an unset value means "the core default"
 * ($ESCHER_HOME / ~/.escher based), so the CLI and the extension share one store unless the user
 * says otherwise. No secret is ever a setting: the token lives in SecretStorage.
 */
export type SettingsReader = (key: string) => unknown;

/** Every setting that changes the service (a change rebuilds it). */
export const SERVICE_SETTINGS = [
  'home',
  'playbooksDir',
  'cacheDir',
  'cache.maxSizeMb',
  'cache.ttlDays',
  'sync.enabled',
  'sync.intervalMinutes',
  'server.url',
  'tenantId',
  'search.qdrantUrl',
  'search.embeddingModel',
  'search.localModelPath',
  'search.allowRemoteModels',
] as const;

export function configOverridesFromSettings(read: SettingsReader, homedir: string = os.homedir()): ConfigOverrides {
  const dir = (key: string): string | undefined => {
    const v = str(read(key));
    if (v === undefined) return undefined;
    // Settings are typed by hand: honour "~" like a shell would, and resolve relative paths from home.
    const expanded = v === '~' ? homedir : v.startsWith('~/') || v.startsWith('~\\') ? path.join(homedir, v.slice(2)) : v;
    return path.resolve(homedir, expanded);
  };
  const out: ConfigOverrides = {};
  const home = dir('home');
  if (home !== undefined) out.home = home;
  const playbooksDir = dir('playbooksDir');
  if (playbooksDir !== undefined) out.playbooksDir = playbooksDir;
  const cacheDir = dir('cacheDir');
  if (cacheDir !== undefined) out.cacheDir = cacheDir;
  const maxSize = positive(read('cache.maxSizeMb'));
  if (maxSize !== undefined) out.cacheMaxSizeMb = maxSize;
  const ttl = nonNegative(read('cache.ttlDays'));
  if (ttl !== undefined) out.cacheTtlDays = ttl;
  const enabled = read('sync.enabled');
  if (typeof enabled === 'boolean') out.syncEnabled = enabled;
  const interval = positive(read('sync.intervalMinutes'));
  if (interval !== undefined) out.syncIntervalMinutes = interval;
  const url = str(read('server.url'));
  if (url !== undefined) out.serverUrl = url.replace(/\/+$/, '');
  const tenant = str(read('tenantId'));
  if (tenant !== undefined) out.tenantId = tenant;

  const search: NonNullable<ConfigOverrides['search']> = {};
  const qdrant = str(read('search.qdrantUrl'));
  if (qdrant !== undefined) search.qdrantUrl = qdrant;
  const model = str(read('search.embeddingModel'));
  if (model !== undefined) search.embeddingModel = model;
  const modelPath = dir('search.localModelPath');
  if (modelPath !== undefined) search.localModelPath = modelPath;
  const remote = read('search.allowRemoteModels');
  if (typeof remote === 'boolean') search.allowRemoteModels = remote;
  if (Object.keys(search).length > 0) out.search = search;
  return out;
}

/**
 * The extension's PlaybookConfig: a setting wins when it is set; an empty one falls back to the
 * environment, then to what `escher-playbook login` saved in `$ESCHER_HOME/config.json` (server
 * URL, tenant), then to the defaults — the CLI's order, with settings in the place of its flags,
 * so a `login` in a terminal points the editor at the same server. A config.json that cannot be
 * read is left out and reported in `problem` (the window still starts, local work keeps going).
 */
export function resolveExtensionConfig(read: SettingsReader, env: NodeJS.ProcessEnv = process.env, homedir: string = os.homedir()): { config: PlaybookConfig; problem?: string } {
  const fromSettings = configOverridesFromSettings(read, homedir);
  const home = path.resolve(fromSettings.home ?? defaultHome(env));
  let fromFile: ConfigOverrides = {};
  let problem: string | undefined;
  try {
    fromFile = readHomeSettings(home, env);
  } catch (e) {
    problem = describe(e);
  }
  const config = resolveConfig({ ...fromFile, ...fromSettings }, env);
  return problem === undefined ? { config } : { config, problem };
}

/** The explorer's grouping (escher.explorer.groupBy); by cloud when unset or unknown. */
export function groupBySetting(read: SettingsReader): GroupBy {
  const v = read('explorer.groupBy');
  return typeof v === 'string' && (GROUP_BY as readonly string[]).includes(v) ? (v as GroupBy) : 'cloud';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function nonNegative(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}
