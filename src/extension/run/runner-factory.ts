import type { PlaybookRunner } from '../../core/runner/runner';
import type { PlaybookService } from '../../core/service';
import { loadCore } from '../core-loader';

const runners = new WeakMap<PlaybookService, PlaybookRunner>();

/**
 * The run engine for a service, built once per service (the container rebuilds the service when
 * the settings change, and with it the runner). The review gate reads the last known review status
 * through the publisher's one reader of sync state, as the CLI's `run` does.
 */
export function runnerFor(svc: PlaybookService, env: NodeJS.ProcessEnv = process.env): PlaybookRunner {
  let runner = runners.get(svc);
  if (!runner) {
    const core = loadCore();
    const { config } = svc;
    runner = new core.PlaybookRunner({
      store: svc.store,
      home: config.home,
      env: runEnvironmentBase(env),
      reviewStatus: async (facts) => (await core.SyncViews.forConfig(config)).of(facts)?.review_status ?? null,
    });
    runners.set(svc, runner);
  }
  return runner;
}

/**
 * The environment a run inherits in VS Code: the editor's own, without what belongs to the editor
 * process. ELECTRON_RUN_AS_NODE would turn any Electron app a script starts (`code` itself) into
 * plain Node, and VSCODE_* carry the editor's IPC handles; VS Code's own terminals drop them too.
 * (The engine then removes Escher's secrets and sets ESCHER_PARAM_*.)
 */
export function runEnvironmentBase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!/^(ELECTRON_|VSCODE_)/.test(k) && k !== 'APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL') out[k] = v;
  return out;
}
