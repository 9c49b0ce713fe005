import type { PlaybookRunner } from '../core/runner/runner';
import type { CliContext } from './context';
import { SyncViews } from './sync-view';

/**
 * The run engine for `run`, `check` and `runs`, loaded on first use. The review gate reads the
 * last known review status through the same one-file reader `list` and `show` use.
 */
export async function createRunner(ctx: CliContext): Promise<PlaybookRunner> {
  // '.js' because this stays a real import() under Node16 resolution; esbuild and tsx map it to the .ts file.
  const { PlaybookRunner } = await import('../core/runner/runner.js');
  const store = await ctx.store();
  const cacheDir = ctx.config().cacheDir;
  return new PlaybookRunner({
    store,
    home: ctx.config().home,
    env: ctx.env,
    reviewStatus: async (id) => (await SyncViews.load(cacheDir)).of({ playbook_id: id, content_hash: '', storage_strategy: '' })?.review_status ?? null,
  });
}
