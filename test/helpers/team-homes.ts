import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { runCli, type CliResult } from './cli';
import { TEST_TENANT, type TestServer } from './dev-server';

/**
 * Homes of one tenant on a test server, driven through the built CLI: `home(t)` is a fresh
 * $ESCHER_HOME removed after the test, `envFor(token)` the server settings of a member holding
 * `token`, `ok(home, token, args)` a command that must succeed (its stderr in the failure).
 */
export function teamHomes(server: () => TestServer, prefix: string) {
  const envFor = (token: string): Record<string, string> => ({ ESCHER_SERVER_URL: server().url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: token });
  return {
    envFor,
    async home(t: TestContext): Promise<string> {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
      t.after(() => fs.rm(dir, { recursive: true, force: true }));
      return dir;
    },
    async ok(home: string, token: string, args: string[]): Promise<CliResult> {
      const r = await runCli(home, args, { env: envFor(token) });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r;
    },
  };
}
