import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import type { CliResult } from './cli';

/**
 * The CLI's main() in this process with captured output and exactly the environment given (no
 * ESCHER_* of the caller): quicker than spawning dist/cli.js, for tests that need no real process
 * (pipes, signals).
 */
export async function runMain(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const streams = { stdout: { write: (x: string | Uint8Array) => (stdout += x.toString()) }, stderr: { write: (x: string) => (stderr += x) } };
  const code = await main(args, streams, env);
  return { code, stdout, stderr };
}

/**
 * main() against one server as a signed-in user of TEST_TENANT: `cli` runs it in home `h` (extra
 * variables on top), `ok` also asserts exit 0 and returns stdout.
 */
export function serverCli(serverUrl: () => string, tenant: string, token: string) {
  const cli = (h: string, args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
    runMain(args, { ESCHER_HOME: h, ESCHER_SERVER_URL: serverUrl(), ESCHER_TENANT_ID: tenant, ESCHER_TOKEN: token, ...extra });
  const ok = async (h: string, args: string[]): Promise<string> => {
    const r = await cli(h, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  return { cli, ok };
}
