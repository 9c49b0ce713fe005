import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ToolTiming } from './types';

/**
 * External programs: finding them on the run's PATH (the environment the run will have, so a
 * test's recording fakes first on PATH are what is found), and running a checker to completion
 * with its output captured and its own time measured.
 */
export function which(program: string, env: NodeJS.ProcessEnv): string | undefined {
  if (program.includes('/')) return isExecutable(program) ? program : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timing: ToolTiming;
  /** The program could not be started (not found, not executable). */
  spawnError?: string;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

/** Runs a checker; never throws for the program's own failure (the exit code says it). */
export function runTool(argv: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ToolResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CAPTURE) into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    let spawnError: string | undefined;
    child.on('error', (e) => (spawnError = e.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      const timing = { argv: [...argv], ms: performance.now() - t0, exitCode: code };
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timing, ...(spawnError ? { spawnError } : {}) });
    });
  });
}
