import { promises as fs } from 'node:fs';
import type { TestContext } from 'node:test';
import type { RunRecord } from '../../../src/core/runner/types';
import type { PlaybookService } from '../../../src/core/service';
import type { FindingsReport, RunHost } from '../../../src/extension/run/run-host';
import { runnerFor } from '../../../src/extension/run/runner-factory';
import { tempDir } from '../../helpers/temp-dir';
import { commandEnv } from './command-env';

/** The extension's run host in a test: the real engine over the test's service; the Problems panel and Runs view as recorders. */
export function recordingRunHost(svc: PlaybookService): { host: RunHost; findings: FindingsReport[]; ended: RunRecord[] } {
  const findings: FindingsReport[] = [];
  const ended: RunRecord[] = [];
  const host: RunHost = {
    runner: async () => runnerFor(svc),
    showFindings: (r) => void findings.push(r),
    runEnded: (r) => void ended.push(r),
  };
  return { host, findings, ended };
}

/** commandEnv plus a workspace folder (the run's working folder) and a recording run host. */
export async function runCommandEnv(t: TestContext, options: Parameters<typeof commandEnv>[1] = {}) {
  const env = await commandEnv(t, options);
  const work = await fs.realpath(await tempDir(t, 'escher-ext-work-'));
  env.ui.folders = [work];
  return { ...env, work, ...recordingRunHost(env.svc) };
}
