import { DEV_SERVER_BUNDLE, REPO } from './prerequisites';
import { type Child, startChild, waitForOutput } from './processes';

export interface DevServer {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

/**
 * The reference Escher server (dist/dev-server.js) on a free loopback port; prints its URL first.
 * With `adminToken`, a reviewer can approve or reject on it (POST …/review); `moreTokens` are
 * further `[ROLE:]TENANT=TOKEN` entries (a teammate, a reviewer).
 */
export async function startDevServer(options: { dataDir: string; libraryDir: string; token: string; tenant: string; adminToken?: string; moreTokens?: string[] }): Promise<DevServer> {
  const child = startChild(
    process.execPath,
    [DEV_SERVER_BUNDLE, '--port', '0', '--data', options.dataDir, '--library', options.libraryDir],
    { cwd: REPO, env: { ...process.env, ESCHER_DEV_SERVER_TOKENS: [`${options.tenant}=${options.token}`, ...(options.moreTokens ?? [])].join(' '), ...(options.adminToken ? { ESCHER_ADMIN_TOKEN: options.adminToken } : {}) } },
  );
  const m = await waitForOutput(child, /(https?:\/\/127\.0\.0\.1:\d+)/, 20_000);
  return { url: m[1] as string, child, stop: () => child.stop() };
}
