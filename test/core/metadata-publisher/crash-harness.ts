import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { mulberry32 } from '../../helpers/seeded-random';

const CHILD = path.join(__dirname, 'fixtures', 'sync-child.ts');

export interface ChildRun {
  /** Killed with SIGKILL while stopped at its pause point (never finished). */
  killed: boolean;
  /** "paused <k> <pre|post> <method>", when it got there. */
  pausedAt: string | undefined;
  out: string;
}

/**
 * Runs the sync child on `home` (fixtures/sync-child.ts). With `pauseAt` ("<k>:pre|post") the
 * child stops at its k-th request and is SIGKILLed there, so every kill lands mid-sync at a point
 * the seed names; without it the child runs to the end.
 */
export function runChild(home: string, url: string, pauseAt: string | undefined, publishIds: string[] = []): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, url, TEST_TENANT, ...publishIds], {
      env: { ...process.env, ESCHER_TEST_TOKEN: TEST_TOKEN, ...(pauseAt ? { ESCHER_TEST_PAUSE_AT: pauseAt } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let pausedAt: string | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^paused .*$/m.exec(out);
      if (m && pausedAt === undefined) {
        pausedAt = m[0];
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL' && pausedAt !== undefined && !out.includes('done'), pausedAt, out }));
  });
}

/**
 * The seeds a random crash test runs, one test each. By default the fixed list it is given, so
 * every CI run kills at the same points; a seed that ever failed stays in that list as a
 * regression case.
 *  - ESCHER_CRASH_SEED=N runs seed N alone (a failure's printed seed replays it);
 *  - ESCHER_CRASH_EXPLORE=1 runs one time-based seed instead, printed, to look for new failures
 *    (loop it; add any seed that fails to the list once fixed).
 */
export function crashSeeds(fixed: readonly number[]): number[] {
  const one = process.env.ESCHER_CRASH_SEED;
  if (one !== undefined && one !== '') {
    if (!/^\d{1,9}$/.test(one)) throw new Error(`ESCHER_CRASH_SEED must be a whole number (a seed a crash test printed), not "${one}"`);
    return [Number(one)];
  }
  if (process.env.ESCHER_CRASH_EXPLORE === '1') return [Date.now() % 100_000];
  return [...fixed];
}

/** The PRNG of a seed, printed so a failing run names the seed that replays it. */
export function seeded(t: TestContext, seed: number): () => number {
  // Printed on stdout too, so it shows in any reporter's output of a failing run.
  t.diagnostic(`seed ${seed} (ESCHER_CRASH_SEED=${seed} replays it)`);
  process.stdout.write(`# crash test "${t.name}": seed ${seed}\n`);
  return mulberry32(seed);
}
