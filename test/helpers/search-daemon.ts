import type { TestContext } from 'node:test';
import { json, runCli, type CliResult } from './cli';

/** The environment that turns the search daemon on (runCli turns it off by default). */
export const DAEMON_ENV = { ESCHER_SEARCH_DAEMON: '1', ESCHER_SEARCH_DAEMON_IDLE_SECONDS: '300' };

export interface StatusJson {
  running: boolean;
  pid?: number;
  searches?: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tracks the daemons a test starts and stops them when it ends, by pid (the home may already be
 * gone by then), so no test leaves a background process behind.
 */
export class DaemonWatch {
  private readonly pids = new Set<number>();

  constructor(
    t: TestContext,
    private readonly home: string,
    private readonly env: Record<string, string> = DAEMON_ENV,
  ) {
    t.after(() => this.stopAll());
  }

  async status(): Promise<StatusJson> {
    const s = json<StatusJson>(await runCli(this.home, ['--json', 'daemon', 'status'], { env: this.env }));
    if (s.pid) this.pids.add(s.pid);
    return s;
  }

  /** Waits until a daemon answers (other than `not`), and returns its status. No deadline of its own: the test's timeout is the limit. */
  async running(not?: number): Promise<Required<StatusJson>> {
    for (;;) {
      const s = await this.status();
      if (s.running && s.pid !== not) return s as Required<StatusJson>;
      await pause(100);
    }
  }

  async gone(pid: number): Promise<void> {
    while (alive(pid)) await pause(50);
  }

  search(args: readonly string[], env: Record<string, string> = this.env): Promise<CliResult> {
    return runCli(this.home, ['search', ...args], { env });
  }

  private async stopAll(): Promise<void> {
    await runCli(this.home, ['daemon', 'stop'], { env: this.env }).catch(() => undefined);
    for (const pid of this.pids) {
      if (alive(pid)) process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && alive(pid); i++) await pause(50);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
}
