import type { PlaybookStoreApi } from '../playbook-store/types';
import type { Clock } from '../shared/clock';
import type { PlaybookConfig } from '../shared/config';
import type { Logger } from '../shared/logger';
import { CacheLayout } from './cache-layout';
import type { CacheLockOptions } from './cache-lock';
import { MetadataCache } from './metadata-cache';
import { defaultRuntimeDir, RuntimeFiles } from './runtime-files';
import { ScriptCache } from './script-cache';
import { ScriptDownloader, type ScriptServerProvider } from './script-downloader';
import { ScriptManager } from './script-manager';

/** Wires the script manager's parts from a PlaybookConfig (used by the composition root and tests). */
export interface ScriptManagerDeps {
  store: PlaybookStoreApi;
  /** The server (HttpEscherApi), built on first need; resolves to undefined when none is configured. */
  server?: ScriptServerProvider;
  logger: Logger;
  clock: Clock;
  locks?: CacheLockOptions;
  /** Default: $XDG_RUNTIME_DIR/escher or <home>/run. */
  runtimeDir?: string;
  download?: { retries?: number; retryBaseMs?: number };
  /** Whole-call deadline of the freshness check when a verified cached copy exists (default 5 s). */
  freshnessDeadlineMs?: number;
}

export function createScriptManager(config: PlaybookConfig, deps: ScriptManagerDeps): ScriptManager {
  const metadata = new MetadataCache(new CacheLayout(config.cacheDir), deps.clock);
  const cache = new ScriptCache({
    cacheDir: config.cacheDir,
    maxSizeMb: config.cacheMaxSizeMb,
    ttlDays: config.cacheTtlDays,
    clock: deps.clock,
    logger: deps.logger,
    metadata,
    locks: deps.locks,
  });
  const server = deps.server ?? (async () => undefined);
  const downloader = new ScriptDownloader({ server, serverUrl: config.serverUrl, cache, logger: deps.logger, ...deps.download });
  return new ScriptManager({
    store: deps.store,
    server,
    cache,
    metadata,
    downloader,
    runtime: runtimeFilesFor(config, deps),
    logger: deps.logger,
    ...(deps.freshnessDeadlineMs !== undefined ? { freshnessDeadlineMs: deps.freshnessDeadlineMs } : {}),
  });
}

/** The private folder of decrypted copies (runtime-files.ts) for this config. */
export function runtimeFilesFor(config: PlaybookConfig, deps: Pick<ScriptManagerDeps, 'runtimeDir' | 'clock'>): RuntimeFiles {
  return new RuntimeFiles(deps.runtimeDir ?? defaultRuntimeDir(config.home), { ttlMs: config.runtimeTtlSeconds * 1000, clock: deps.clock });
}
