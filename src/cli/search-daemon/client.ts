import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { cliEntry, daemonPaths, ensurePrivateDir, isOwnSocket, type DaemonPaths } from './daemon-paths';
import { type DaemonRequest, type DaemonResponse, MAX_RESPONSE_BYTES, parseResponse } from './protocol';

/** The daemon of one home, as the CLI reaches it. */
export interface DaemonTarget {
  paths: DaemonPaths;
  /** dist/cli.js, which `daemon serve` is started from. */
  entry: string;
}

/** Whether the search daemon is turned off (`ESCHER_SEARCH_DAEMON=0`, `off` or `false`). */
export function daemonDisabled(env: NodeJS.ProcessEnv): boolean {
  return ['0', 'off', 'false', 'no'].includes((env.ESCHER_SEARCH_DAEMON ?? '').trim().toLowerCase());
}

/** Where `home`'s daemon is, or undefined where none can be used (sources not bundled, Windows, path too long). */
export function daemonTarget(home: string): DaemonTarget | undefined {
  const entry = cliEntry();
  const paths = daemonPaths(home);
  return entry && paths ? { paths, entry } : undefined;
}

/**
 * Sends one request and reads one answer line. Undefined — never an error — when there is no
 * daemon, the socket is not this user's own socket in its private folder, the connection fails or
 * closes early, the answer is malformed or too big, or nothing comes within `timeoutMs`: the
 * caller then does the work itself.
 */
export function askDaemon(paths: DaemonPaths, request: DaemonRequest, timeoutMs: number): Promise<DaemonResponse | undefined> {
  if (!isOwnSocket(paths)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const done = (r: DaemonResponse | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = net.createConnection(paths.socket);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
    socket.on('data', (d: Buffer) => {
      const nl = d.indexOf(0x0a);
      chunks.push(nl < 0 ? d : d.subarray(0, nl));
      bytes += d.length;
      if (nl >= 0) done(parseResponse(Buffer.concat(chunks).toString('utf8'), request.type));
      else if (bytes > MAX_RESPONSE_BYTES) done(undefined);
    });
    socket.write(JSON.stringify(request) + '\n');
  });
}

/** Credentials a search never uses: a process that lives for minutes should not hold them. */
const WITHHELD = /^(ESCHER_TOKEN|ESCHER_REVIEWER_TOKEN|ESCHER_KEY)$|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|ACCESS_KEY|API_KEY|PRIVATE_KEY|SESSION/i;

/** The environment a daemon is started with: this one without the credentials it has no use for. */
export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !WITHHELD.test(k)));
}

/**
 * Starts `home`'s daemon in the background, detached from this process and its terminal, with
 * this process's environment less its credentials (the daemon resolves its settings as this
 * command did). It takes the socket at once and answers once its model and index are loaded; a
 * second daemon for the same home finds the socket taken and stops.
 */
export function startDaemon(target: DaemonTarget, home: string, env: NodeJS.ProcessEnv): void {
  if (!ensurePrivateDir(target.paths.dir)) return;
  try {
    // cwd: the daemon's own folder, so it never keeps a user's working folder busy.
    const child = spawn(process.execPath, [target.entry, '--home', home, 'daemon', 'serve'], { cwd: target.paths.dir, env: daemonEnv(env), detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Cannot start one (no process slots, …): searches keep running in-process.
  }
}
