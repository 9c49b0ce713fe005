import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { AREAS, CLOUD_PROVIDERS, SCRIPT_FORMATS } from '../../core/playbook-store/metadata';
import { SEARCH_SOURCES } from '../../core/discovery/search-sources';
import { choice } from '../args';
import type { CliContext } from '../context';
import type { Embedder } from '../../core/local-search/embedder';
import type { PlaybookConfig } from '../../core/shared/config';
import { askDaemon, daemonDisabled, daemonTarget, startDaemon } from '../search-daemon/client';
import { buildId, configId } from '../search-daemon/daemon-paths';
import { PROTOCOL } from '../search-daemon/protocol';
import { contactsServer, printMessage, type SearchFlags } from './search-types';

interface SearchOptions extends SearchFlags {
  server?: boolean;
  /** false with --no-daemon. */
  daemon?: boolean;
}

/**
 * How long a search waits for the daemon's answer before running in-process. Generous: the
 * daemon may be indexing many changed playbooks first, which the in-process search would do too.
 */
const DAEMON_ANSWER_MS = 120_000;

/**
 * The model's worker, spawned before the search code and the service are even loaded: starting the
 * model is the longest part of an in-process search, so it starts first and the index loads
 * meanwhile. Nothing when the configured model is invalid (the search reports that as before).
 */
async function startedEmbedder(config: PlaybookConfig): Promise<{ embedder?: Embedder }> {
  const { createEmbedder } = await import('../../core/local-search/embedder-factory.js');
  try {
    const embedder = createEmbedder(config.search);
    embedder.preload().catch(() => undefined);
    return { embedder };
  } catch {
    return {};
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('expected a whole number from 1 to 100');
  return n;
}

/**
 * `search "QUERY"`: the same LocalSearch the extension uses, so both give the same results.
 * Per call: read the persisted index while the model loads in its worker, reconcile by content
 * hash (embeds only playbooks changed since the last run), embed the query, rank.
 *
 * Loading the model is most of a one-shot search's time, so a search that needs no server
 * (search-daemon/) is first offered to the home's search daemon, which keeps the model and index
 * loaded and runs the very same code (search-run.ts); when there is none, or it is stale, dead or
 * answers nonsense, the search runs here and then starts one in the background for the next call.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('search')
    .description('search your playbooks, your team\'s and the Escher Library\'s (keyword + semantic, one ranked list; team and library offline on their last-known metadata)')
    .argument('<query>', 'what the playbook should do, e.g. "stop rds weekend"')
    .option('--limit <n>', 'number of results (1-100, default 10)', positiveInt)
    .option('--cloud <provider>', `only this cloud: ${CLOUD_PROVIDERS.join('|')}`, choice(CLOUD_PROVIDERS))
    .option('--format <format>', `only playbooks with a script of this format: ${SCRIPT_FORMATS.join('|')}`, choice(SCRIPT_FORMATS))
    .option('--area <area>', `only this area: ${AREAS.join('|')}`, choice(AREAS))
    .option('--resource-type <type>', 'only playbooks for this resource type (e.g. rds, ec2)')
    .option('--source <source>', `where to search: ${SEARCH_SOURCES.join('|')} (default all; --area searches your store only)`, choice(SEARCH_SOURCES))
    .option('--server', "ask the Escher server's agent (tenant + library search) and show where each reference lives here")
    .option('--no-daemon', 'search in this process only: neither ask nor start the background search daemon (also ESCHER_SEARCH_DAEMON=0)')
    .action(async (query: string, o: SearchOptions) => {
      if (o.server) {
        const { serverSearch } = await import('../server-search.js');
        return serverSearch(ctx, query, o);
      }
      const config = ctx.config();
      const { server: _server, daemon, ...flags } = o;
      // --verbose logs the index's progress as it happens, in this process: not through the daemon.
      const useDaemon = daemon !== false && !daemonDisabled(ctx.env) && !ctx.globals().verbose && !contactsServer(config, flags) && config.search.qdrantUrl === '';
      const target = useDaemon ? daemonTarget(config.home) : undefined;
      let answered = false;
      if (target) {
        const res = await askDaemon(target.paths, { protocol: PROTOCOL, type: 'search', query, flags, build: buildId(target.entry), config: configId(config) }, DAEMON_ANSWER_MS);
        if (res?.ok && res.type === 'search') {
          for (const m of res.messages) printMessage(ctx.out, m);
          ctx.out.result(res.outcome.json, () => res.outcome.human);
          return;
        }
        // A daemon that answered "failed" is alive and current: the search runs here to report the error, and no second daemon is started.
        answered = res !== undefined && !(res.ok === false && res.reason === 'stale');
      }
      const service = await ctx.service(await startedEmbedder(config));
      const { runSearch } = await import('./search-run.js');
      try {
        const outcome = await runSearch(service, config, query, flags, (m) => printMessage(ctx.out, m));
        ctx.out.result(outcome.json, () => outcome.human);
      } finally {
        await service.search.close();
      }
      if (target && !answered) startDaemon(target, config.home, ctx.env);
    });
}
