import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { CliResult } from '../../helpers/cli';
import { runMain } from '../../helpers/cli-main';
import { tempDir } from '../../helpers/temp-dir';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** `status` and the errors a wrong tenant gives, as a user sees them (main() in-process, real server on loopback). */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

function home(t: TestContext): Promise<string> {
  return tempDir(t, 'escher-cli-status-');
}

function cli(env: Record<string, string>, args: string[]): Promise<CliResult> {
  return runMain(args, env);
}

test('a tenant the token does not belong to: sync names the tenant, and status shows the exact reason', async (t) => {
  const h = await home(t);
  const env = { ESCHER_HOME: h, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: 'globex', ESCHER_TOKEN: TEST_TOKEN };
  const sync = await cli(env, ['sync']);
  assert.equal(sync.code, 6, sync.stderr);
  assert.equal(sync.stderr.trim().split('\n').length, 1, sync.stderr);
  assert.match(sync.stderr, /^error: The Escher server does not accept this token for tenant "globex" \(HTTP 403\); sync is paused/);
  assert.doesNotMatch(sync.stderr, /rejected the credentials|set a new token/);
  const st = await cli(env, ['status']);
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /^signed in: +yes \(token from ESCHER_TOKEN\), but the server refused it at the last attempt \(see last error\)$/m);
  assert.match(st.stdout, /^last error: +.*changes feed: the server does not accept this token for tenant "globex" \(403\)/m);
});

test('status shows the server, the tenant, where the token comes from, and that nothing syncs in the background', async (t) => {
  const h = await home(t);
  const viaEnv = { ESCHER_HOME: h, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN };
  const text = (await cli(viaEnv, ['status'])).stdout;
  assert.match(text, new RegExp(`^server: +${s.url.replace(/[.]/g, '\\.')}$`, 'm'));
  assert.match(text, /^tenant: +acme$/m);
  assert.match(text, /^signed in: +yes \(token from ESCHER_TOKEN\)$/m);
  assert.match(text, /^background: +none: this command line syncs only when you run `escher-playbook sync`, or while `escher-playbook sync --watch` runs/m);
  const json = JSON.parse((await cli(viaEnv, ['--json', 'status'])).stdout) as { serverUrl: string; tenantId: string; token: { present: boolean; source: string | null } };
  assert.deepEqual([json.serverUrl, json.tenantId, json.token], [s.url, TEST_TENANT, { present: true, source: 'env', from: 'ESCHER_TOKEN' }]);

  // A token stored by login (the 0600 file), the server and tenant from config.json.
  await fs.writeFile(path.join(h, 'secrets.json'), JSON.stringify({ 'escher.token': TEST_TOKEN }), { mode: 0o600 });
  await fs.writeFile(path.join(h, 'config.json'), JSON.stringify({ serverUrl: s.url, tenantId: TEST_TENANT }));
  const fromFile = (await cli({ ESCHER_HOME: h }, ['status'])).stdout;
  assert.match(fromFile, new RegExp(`^signed in: +yes \\(token in ${path.join(h, 'secrets.json').replace(/[.]/g, '\\.')}\\)$`, 'm'));
  assert.match(fromFile, /^tenant: +acme$/m);

  // Nothing configured: said plainly, with the command that fixes it.
  const bare = await home(t);
  const none = (await cli({ ESCHER_HOME: bare }, ['status'])).stdout;
  assert.match(none, /^server: +not configured \(escher-playbook login --server URL --tenant ID\)$/m);
  assert.match(none, /^tenant: +not configured$/m);
  assert.match(none, /^signed in: +no \(no token: escher-playbook login, or set ESCHER_TOKEN\)$/m);
});
