import type { Command } from 'commander';
import * as path from 'node:path';
import type { PlaybookStore } from '../core/playbook-store/store';
import type { PlaybookService, ServiceOptions } from '../core/service';
import { type PlaybookConfig, defaultHome, resolveConfig } from '../core/shared/config';
import { readHomeSettings } from '../core/shared/home-config';
import type { Logger } from '../core/shared/logger';
import { EXIT } from './exit-codes';
import { Output, type Streams } from './output';
import { FileSecretStore } from '../core/shared/secret-file';

/**
 * What every command gets. Everything is lazy: global options are only known once commander
 * has parsed the command line, and the service (with the store, ajv, locks …) is only loaded by
 * commands that touch playbooks, so `--version` and `--help` stay cheap.
 */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly out: Output;
  /** Global flags: --home, --json, --verbose. */
  globals(): GlobalOptions;
  /** PlaybookConfig from defaults <- $ESCHER_HOME/config.json <- environment <- flags. */
  config(): PlaybookConfig;
  secrets(): FileSecretStore;
  /** The composition root, created on first call (with `options`, which later calls cannot change). */
  service(options?: ServiceOptions): Promise<PlaybookService>;
  /**
   * The playbook store alone, for commands that need nothing else (`list`, `show`): loads the
   * store's code only, not search, publisher and script manager (a third of the core's parse and
   * compile time on every `list`). The service's own store when the service already exists.
   */
  store(): Promise<PlaybookStore>;
  readonly logger: Logger;
  /** Exit code for a command that finished but not fully (e.g. EXIT.PARTIAL). */
  exitCode: number;
  dispose(): void;
}

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  verbose?: boolean;
}

export function createCliContext(program: Command, streams: Streams, env: NodeJS.ProcessEnv): CliContext {
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const out = new Output(streams, () => globals().json === true);
  let config: PlaybookConfig | undefined;
  let secrets: FileSecretStore | undefined;
  let service: PlaybookService | undefined;
  let store: PlaybookStore | undefined;
  const logger: Logger = {
    debug: (m) => {
      if (globals().verbose) out.log(`debug: ${m}`);
    },
    info: (m) => {
      if (globals().verbose) out.log(m);
    },
    warn: (m) => out.warn(m),
    error: (m) => out.warn(m),
  };
  const ctx: CliContext = {
    env,
    out,
    logger,
    exitCode: EXIT.OK,
    globals,
    config() {
      if (!config) {
        const home = path.resolve(globals().home ?? defaultHome(env));
        config = resolveConfig({ ...readHomeSettings(home, env), home }, env);
      }
      return config;
    },
    secrets() {
      secrets ??= new FileSecretStore(ctx.config().home, env);
      return secrets;
    },
    async service(options) {
      if (!service) {
        // '.js' because this stays a real import() under Node16 resolution; esbuild and tsx map it to the .ts file.
        const { PlaybookService } = await import('../core/service.js');
        service = new PlaybookService(ctx.config(), { secrets: ctx.secrets(), logger }, options);
      }
      return service;
    },
    async store() {
      if (service) return service.store;
      if (!store) {
        const { PlaybookStore } = await import('../core/playbook-store/store.js');
        // The same options PlaybookService gives its store.
        store = new PlaybookStore({ playbooksDir: ctx.config().playbooksDir, secrets: ctx.secrets(), logger });
      }
      return store;
    },
    dispose() {
      service?.dispose();
    },
  };
  return ctx;
}
