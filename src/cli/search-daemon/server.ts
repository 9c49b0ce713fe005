import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import * as net from 'node:net';
import type { PlaybookService } from '../../core/service';
import type { PlaybookConfig } from '../../core/shared/config';
import type { Logger } from '../../core/shared/logger';
import { runSearch } from '../commands/search-run';
import type { SearchMessage } from '../commands/search-types';
import { askDaemon } from './client';
import { buildId, configId, type DaemonPaths, ensurePrivateDir, isOwnSocket } from './daemon-paths';
import { type DaemonRequest, type DaemonResponse, MAX_REQUEST_BYTES, parseRequest, PROTOCOL } from './protocol';

/** Default idle time before the daemon exits; ESCHER_SEARCH_DAEMON_IDLE_SECONDS overrides it (1 s to 1 day). */
export const DEFAULT_IDLE_SECONDS = 600;
/** How often the daemon checks that the socket path is still its own (another daemon, a deleted home). */
const OWNERSHIP_CHECK_MS = 30_000;

export function idleSeconds(env: NodeJS.ProcessEnv): number {
  const n = Number(env.ESCHER_SEARCH_DAEMON_IDLE_SECONDS);
  return Number.isFinite(n) && n >= 1 && n <= 86_400 ? n : DEFAULT_IDLE_SECONDS;
}

export interface DaemonOptions {
  paths: DaemonPaths;
  entry: string;
  config: PlaybookConfig;
  /** Builds the daemon's service with `logger`, whose warnings reach the client of the search that caused them. */
  service: (logger: Logger) => Promise<PlaybookService>;
  idleSeconds: number;
}

/**
 * `daemon serve`: one home's resident search process. It holds the embedding model and the
 * loaded index, answers `search` requests one at a time with the same code an in-process search
 * runs (search-run.ts) — reconciling the index against the store before each — and exits after
 * `idleSeconds` without a request, on `daemon stop`, when a client of another build or other
 * settings asks, when its socket is taken over or removed, and on SIGTERM/SIGINT. Nothing it sees
 * is logged: its output goes nowhere (the spawning CLI ignores its stdio).
 * Resolves when it has stopped; false when it could not start (another daemon is running, the
 * folder is not private, the socket path holds something else).
 */
export async function serveSearchDaemon(o: DaemonOptions): Promise<boolean> {
  const { paths } = o;
  if (!ensurePrivateDir(paths.dir)) return false;
  if (!(await claimSocketPath(paths))) return false;
  const server = net.createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(paths.socket, () => resolve(true));
  });
  if (!listening) return false;
  // The folder already keeps other users out; the socket's own mode says the same.
  chmodSync(paths.socket, 0o600);
  const ino = lstatSync(paths.socket).ino;
  const identity = { build: buildId(o.entry), config: configId(o.config) };
  const startedAt = new Date().toISOString();
  let searches = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let stopped!: () => void;
  const done = new Promise<void>((r) => (stopped = r));
  let stopping = false;
  // What the store and the index warn about while a search runs (a playbook the listing skips…) is
  // printed by its client, in order with the search's own warnings, as an in-process search
  // prints it; outside a search there is nobody to tell. Info and debug lines are --verbose only,
  // and a --verbose search never comes here.
  let current: SearchMessage[] | undefined;
  const toClient = (text: string) => current?.push({ kind: 'warn', text });
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: toClient, error: toClient };
  // Model and index load now, while the socket is already taken: a search arriving meanwhile waits for them.
  const service = o.service(logger);
  const warm = service.then((s) => s.search.start());

  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(idle);
    clearInterval(ownership);
    server.close();
    try {
      if (lstatSync(paths.socket).ino === ino) unlinkSync(paths.socket);
    } catch {
      // Already gone.
    }
    void queue.finally(async () => {
      await service.then((s) => s.search.close()).catch(() => undefined);
      stopped();
      // Everything is closed, so the process ends by itself; should anything still hold it, it must not linger without its socket.
      setTimeout(() => process.exit(0), 5_000).unref();
    });
  };
  let idle = setTimeout(stop, o.idleSeconds * 1000);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(stop, o.idleSeconds * 1000);
  };
  const ownership = setInterval(() => {
    if (!isOwnSocket(paths) || lstatSync(paths.socket).ino !== ino) stop();
  }, OWNERSHIP_CHECK_MS);
  ownership.unref();
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, stop);

  warm.catch(() => stop());

  const answer = async (req: DaemonRequest): Promise<DaemonResponse> => {
    if (req.type === 'status') return { ok: true, type: 'status', status: { pid: process.pid, build: identity.build, startedAt, searches, idleTimeoutSeconds: o.idleSeconds } };
    if (req.type === 'stop') {
      setImmediate(stop);
      return { ok: true, type: 'stop' };
    }
    if (req.build !== identity.build || req.config !== identity.config) {
      setImmediate(stop);
      return { ok: false, reason: 'stale' };
    }
    const run = queue.then(async () => {
      await warm;
      const messages: SearchMessage[] = [];
      current = messages;
      try {
        const outcome = await runSearch(await service, o.config, req.query, req.flags, (m) => messages.push(m), false);
        searches++;
        return { ok: true, type: 'search', messages, outcome } as const;
      } finally {
        current = undefined;
      }
    });
    queue = run.catch(() => undefined);
    return run.catch(() => ({ ok: false, reason: 'failed' }) as const);
  };

  server.on('connection', (socket) => {
    touch();
    const chunks: Buffer[] = [];
    let bytes = 0;
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      const nl = d.indexOf(0x0a);
      chunks.push(nl < 0 ? d : d.subarray(0, nl));
      bytes += d.length;
      if (nl < 0 && bytes <= MAX_REQUEST_BYTES) return;
      socket.pause();
      const req = nl >= 0 ? parseRequest(Buffer.concat(chunks).toString('utf8')) : undefined;
      void (req ? answer(req) : Promise.resolve<DaemonResponse>({ ok: false, reason: 'bad-request' })).then((res) => {
        touch();
        socket.end(JSON.stringify(res) + '\n');
      });
    });
  });
  await done;
  return true;
}

/**
 * Frees the socket path for this daemon: false when a live daemon answers there, or the path
 * holds something that is not this user's socket (left alone); a dead daemon's socket is removed.
 */
async function claimSocketPath(paths: DaemonPaths): Promise<boolean> {
  let st;
  try {
    st = lstatSync(paths.socket);
  } catch {
    return true;
  }
  if (!st.isSocket() || !isOwnSocket(paths)) return false;
  if (await askDaemon(paths, { protocol: PROTOCOL, type: 'status' }, 2_000)) return false;
  try {
    unlinkSync(paths.socket);
    return true;
  } catch {
    return false;
  }
}
