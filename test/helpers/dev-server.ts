import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpEscherApi, type HttpEscherApiOptions } from '../../src/core/escher-api/client';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/dev-server/server';

/**
 * The reference server in-process on 127.0.0.1:0 with a temp data dir, plus a client for it.
 * Retries use tiny delays so fault tests stay fast. `close()` stops both and removes the data dir
 * (unless `keepDataDir`, for restart tests).
 *
 *   const s = await startTestServer();
 *   t.after(() => s.close());
 *   await s.api.health();
 */
export const TEST_TENANT = 'acme';
export const TEST_TOKEN = 'test-token-acme';
export const OTHER_TENANT = 'globex';
export const OTHER_TOKEN = 'test-token-globex';
export const ADMIN_TOKEN = 'test-admin-token';
/** A second author of TEST_TENANT (publishes; its uploaded_trusted versions land pending). */
export const AUTHOR_TOKEN = 'test-token-acme-author';
/** A reviewer of TEST_TENANT. */
export const REVIEWER_TOKEN = 'test-token-acme-reviewer';
/** Another reviewer of TEST_TENANT. */
export const REVIEWER2_TOKEN = 'test-token-acme-reviewer-2';

export interface TestServer {
  url: string;
  dataDir: string;
  server: DevServer;
  api: HttpEscherApi;
  /** Another client; `tenant`/`token` default to this server's test tenant. */
  client(opts?: Partial<HttpEscherApiOptions>): HttpEscherApi;
  /**
   * The server's request log once it holds at least `n` entries (waits up to 1 s): a response is
   * logged when the server has finished sending it, which can be just after the client read it.
   */
  requestsAtLeast(n: number, filter?: (r: ReturnType<DevServer['requests']>[number]) => boolean): Promise<ReturnType<DevServer['requests']>>;
  setFault: DevServer['setFault'];
  clearFaults: DevServer['clearFaults'];
  close(): Promise<void>;
}

export async function startTestServer(opts: Partial<DevServerOptions> & { keepDataDir?: boolean } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'escher-dev-server-')));
  // TEST_TOKEN is a trusted author, so tests about other things publish approved versions as before.
  const server = await startDevServer({
    tokens: { [AUTHOR_TOKEN]: TEST_TENANT, [OTHER_TOKEN]: OTHER_TENANT },
    trustedTokens: { [TEST_TOKEN]: TEST_TENANT },
    reviewerTokens: { [REVIEWER_TOKEN]: TEST_TENANT, [REVIEWER2_TOKEN]: TEST_TENANT },
    adminToken: ADMIN_TOKEN,
    durable: false,
    ...opts,
    dataDir,
  });
  const clients: HttpEscherApi[] = [];
  const client = (o: Partial<HttpEscherApiOptions> = {}): HttpEscherApi => {
    const c = new HttpEscherApi({ serverUrl: server.url, tenantId: TEST_TENANT, token: TEST_TOKEN, timeoutMs: 5000, retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 }, ...o });
    clients.push(c);
    return c;
  };
  const api = client();
  return {
    url: server.url,
    dataDir,
    server,
    api,
    client,
    async requestsAtLeast(n, filter = () => true) {
      for (let i = 0; i < 100 && server.requests().filter(filter).length < n; i++) await new Promise((r) => setTimeout(r, 10));
      return server.requests().filter(filter);
    },
    setFault: (name, o) => server.setFault(name, o),
    clearFaults: (name) => server.clearFaults(name),
    async close() {
      for (const c of clients) c.close();
      await server.close();
      if (!opts.keepDataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
