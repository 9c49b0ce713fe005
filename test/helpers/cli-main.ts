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
