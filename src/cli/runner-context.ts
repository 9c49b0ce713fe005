import type { PlaybookRunner } from '../core/runner/runner';
import type { CliContext } from './context';
import { loadSyncViews } from './sync-view';

/**
 * The run engine for `run`, `check` and `runs`, loaded on first use. The review gate reads the
 * last known review status through the publisher's one reader of sync state, as `list` and `show`.
 */
export async function createRunner(ctx: CliContext): Promise<PlaybookRunner> {
  // '.js' because this stays a real import() under Node16 resolution; esbuild and tsx map it to the .ts file.
  const { PlaybookRunner } = await import('../core/runner/runner.js');
  const store = await ctx.store();
  return new PlaybookRunner({
    store,
    home: ctx.config().home,
    env: ctx.env,
    reviewStatus: async (facts) => (await loadSyncViews(ctx.config())).of(facts)?.review_status ?? null,
  });
}
