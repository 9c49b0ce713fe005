import type { RunSummary } from '../../../src/core/runner/types';

/** One finished run as the journal lists it (a Runs row's data). */
export const RUN: RunSummary = {
  run_id: '20261129-101500-3f9a2c',
  playbook_id: 'stop-db',
  version: '1.0.0',
  formats: ['shell'],
  mode: 'run',
  dry_run: false,
  status: 'succeeded',
  exit_code: 0,
  signal: null,
  started_at: '2026-11-29T10:15:00.000Z',
  ended_at: '2026-11-29T10:15:01.200Z',
  duration_ms: 1200,
  user: 'ana',
  host: 'box',
  pid: 42,
  cwd: '/work/project',
};
