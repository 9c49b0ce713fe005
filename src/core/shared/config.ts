import * as os from 'node:os';
import * as path from 'node:path';

/** The seed's PlaybookConfig, plus search settings. Secrets are never part of it (see SecretStore). */
export interface PlaybookConfig {
  /** $ESCHER_HOME, default ~/.escher */
  home: string;
  /** default <home>/playbooks */
  playbooksDir: string;
  /** default <home>/cache: only what can be fetched again (`cache clear` removes it) */
  cacheDir: string;
  /** <home>/sync: the publisher's sync state (outbox, agreements, conflicts), never cache */
  syncDir: string;
  cacheMaxSizeMb: number;
  cacheTtlDays: number;
  syncEnabled: boolean;
  syncIntervalMinutes: number;
  /** How long a decrypted copy of a sensitive script may stay in the runtime folder (default 600). */
  runtimeTtlSeconds: number;
  /** Empty when no server is configured: everything local keeps working. */
  serverUrl: string;
  tenantId: string;
  search: SearchConfig;
}

export interface SearchConfig {
  /** When set, the Qdrant adapter is used (the embedded store stays as the offline fallback). */
  qdrantUrl: string;
  /** 'use-lite' (default, ships with npm) or 'hf:<model id>' for a transformers.js model. */
  embeddingModel: string;
  /** Folder holding transformers.js models (<dir>/<model id>/...). */
  localModelPath: string;
  /** Only when true may a transformers.js model be fetched from the Hugging Face hub. */
  allowRemoteModels: boolean;
}

export type ConfigOverrides = Partial<Omit<PlaybookConfig, 'search' | 'syncDir'>> & { search?: Partial<SearchConfig> };

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.ESCHER_HOME && env.ESCHER_HOME.length > 0 ? path.resolve(env.ESCHER_HOME) : path.join(os.homedir(), '.escher');
}

/** Builds a config from defaults <- environment <- explicit overrides (flags, VS Code settings). */
export function resolveConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): PlaybookConfig {
  const home = path.resolve(overrides.home ?? defaultHome(env));
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
  return {
    home,
    playbooksDir: path.resolve(overrides.playbooksDir ?? path.join(home, 'playbooks')),
    cacheDir: path.resolve(overrides.cacheDir ?? path.join(home, 'cache')),
    syncDir: path.join(home, 'sync'),
    cacheMaxSizeMb: overrides.cacheMaxSizeMb ?? num(env.ESCHER_CACHE_MAX_SIZE_MB, 500),
    cacheTtlDays: overrides.cacheTtlDays ?? num(env.ESCHER_CACHE_TTL_DAYS, 7),
    syncEnabled: overrides.syncEnabled ?? env.ESCHER_SYNC_ENABLED !== 'false',
    syncIntervalMinutes: overrides.syncIntervalMinutes ?? num(env.ESCHER_SYNC_INTERVAL_MINUTES, 5),
    runtimeTtlSeconds: overrides.runtimeTtlSeconds ?? num(env.ESCHER_RUNTIME_TTL_SECONDS, 600),
    serverUrl: overrides.serverUrl ?? env.ESCHER_SERVER_URL ?? '',
    tenantId: overrides.tenantId ?? env.ESCHER_TENANT_ID ?? '',
    search: {
      qdrantUrl: overrides.search?.qdrantUrl ?? env.ESCHER_QDRANT_URL ?? '',
      embeddingModel: overrides.search?.embeddingModel ?? env.ESCHER_EMBEDDING_MODEL ?? 'use-lite',
      localModelPath: overrides.search?.localModelPath ?? env.ESCHER_MODEL_PATH ?? path.join(home, 'models'),
      allowRemoteModels: overrides.search?.allowRemoteModels ?? env.ESCHER_ALLOW_REMOTE_MODELS === 'true',
    },
  };
}
