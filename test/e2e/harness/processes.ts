import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';

/** A child process whose output is kept (for the failure message) and that is killed with its group. */
export interface Child {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function startChild(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Child {
  const proc = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      try {
        // The whole group: code-server forks its extension host and file watcher.
        process.kill(-(proc.pid ?? 0), 'SIGTERM');
      } catch {
        proc.kill('SIGTERM');
      }
      const t = setTimeout(() => {
        try {
          process.kill(-(proc.pid ?? 0), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Resolves with the first match of `re` in the child's output, or rejects on exit/timeout. */
export function waitForOutput(child: Child, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = child.output().match(re);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`process exited (${code}) before printing ${re}:\n${child.output().slice(-4000)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re}:\n${child.output().slice(-4000)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.proc.stdout?.off('data', check);
      child.proc.stderr?.off('data', check);
      child.proc.off('exit', onExit);
    };
    child.proc.stdout?.on('data', check);
    child.proc.stderr?.on('data', check);
    child.proc.once('exit', onExit);
    check();
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
