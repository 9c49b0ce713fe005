import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Runs the built CLI (dist/cli.js) as a user would, building it first when missing or stale. */
export const REPO = path.resolve(__dirname, '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');

let built = false;

/**
 * Builds dist/ with the project's esbuild script when the CLI is missing (`npm test` builds
 * first). A stale build is not rebuilt here: test files run in parallel, and rebuilding under a
 * CLI another test is running would pull its chunks away; run `npm run build` after editing.
 */
export function ensureCliBuilt(): void {
  if (built) return;
  if (!existsSync(CLI) || !existsSync(CLI.replace(/\.js$/, '.mjs'))) {
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  }
  built = true;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `escher-playbook --home <home> …args`, with a clean environment (no ESCHER_* from the caller).
 * The background search daemon is off unless `options.env` turns it on (ESCHER_SEARCH_DAEMON=1):
 * a test that starts one stops it itself (test/cli/search-daemon/).
 */
export function runCli(home: string, args: readonly string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  ensureCliBuilt();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ESCHER_')) env[k] = v;
  env.ESCHER_SEARCH_DAEMON = '0';
  Object.assign(env, options.env ?? {});
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--home', home, ...args], { env, cwd: options.cwd ?? REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Parses stdout of a --json command, with the output in the failure message. */
export function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)} / stderr: ${r.stderr.slice(0, 500)}`);
  }
}
