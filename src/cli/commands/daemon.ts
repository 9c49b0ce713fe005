import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { Logger } from '../../core/shared/logger';
import { askDaemon, daemonTarget } from '../search-daemon/client';
import type { DaemonStatus } from '../search-daemon/protocol';
import { PROTOCOL } from '../search-daemon/protocol';
import { idleSeconds, serveSearchDaemon } from '../search-daemon/server';

const ASK_MS = 5_000;

/**
 * `daemon status|stop`: the background search daemon of this home (search-daemon/). `daemon
 * serve` is how `search` starts it; it is not meant to be typed.
 */
export function register(program: Command, ctx: CliContext): void {
  const daemon = program.command('daemon').description('the background search daemon that keeps the search model loaded between `search` calls (status, stop)');
  daemon
    .command('status')
    .description("whether this home's search daemon is running, since when, and how many searches it answered")
    .action(async () => {
      const target = daemonTarget(ctx.config().home);
      const res = target ? await askDaemon(target.paths, { protocol: PROTOCOL, type: 'status' }, ASK_MS) : undefined;
      const status = res?.ok && res.type === 'status' ? res.status : null;
      ctx.out.result({ running: status !== null, ...(status ?? {}) }, () => (status ? describe(status) : ['no search daemon is running for this home']));
    });
  daemon
    .command('stop')
    .description("stops this home's search daemon (the next search runs in-process and starts a new one, unless ESCHER_SEARCH_DAEMON=0)")
    .action(async () => {
      const target = daemonTarget(ctx.config().home);
      const status = target ? await askDaemon(target.paths, { protocol: PROTOCOL, type: 'status' }, ASK_MS) : undefined;
      const stopped = target && status?.ok && status.type === 'status' ? await askDaemon(target.paths, { protocol: PROTOCOL, type: 'stop' }, ASK_MS) : undefined;
      const pid = stopped?.ok && status?.ok && status.type === 'status' ? status.status.pid : null;
      ctx.out.result({ stopped: pid !== null, pid }, () => [pid !== null ? `stopped the search daemon (pid ${pid})` : 'no search daemon is running for this home']);
    });
  daemon
    .command('serve', { hidden: true })
    .description('runs the search daemon in this process (started by `search`)')
    .action(async () => {
      const config = ctx.config();
      const target = daemonTarget(config.home);
      if (!target) return;
      const service = async (logger: Logger) => {
        const { PlaybookService } = await import('../../core/service.js');
        return new PlaybookService(config, { secrets: ctx.secrets(), logger });
      };
      await serveSearchDaemon({ paths: target.paths, entry: target.entry, config, service, idleSeconds: idleSeconds(ctx.env) });
    });
}

function describe(s: DaemonStatus): string[] {
  return [`search daemon running: pid ${s.pid}, since ${s.startedAt}, ${s.searches} search(es) answered; exits after ${Math.round(s.idleTimeoutSeconds / 60)} min without a search`];
}
