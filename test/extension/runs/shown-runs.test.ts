import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../../src/core/runner/types';
import { ShownRuns } from '../../../src/extension/runs/shown-runs';
import { RUN } from '../helpers/run-summary';

const RUNNING: RunSummary = { ...RUN, status: 'running', exit_code: null, ended_at: null, duration_ms: null };
const ENDED = RUN;

/** A journal read that counts how often it was read. */
function journal(runs: () => RunSummary[]): { list: () => Promise<RunSummary[]>; reads: () => number } {
  let n = 0;
  return {
    list: async () => {
      n++;
      return runs();
    },
    reads: () => n,
  };
}

test('a run that ends redraws the Runs view once: the watcher seeing the same append changes nothing', async () => {
  const shown = new ShownRuns();
  let now = [RUNNING];
  const j = journal(() => now);
  shown.showing(now); // the view listed the running run
  now = [ENDED];
  assert.equal(await shown.changed(j.list), true, "the run's own end: status and exit code differ");
  assert.equal(await shown.changed(j.list), false, 'the watcher, a moment later: the same list, no redraw');
  shown.showing(now); // VS Code asked for the rows again
  assert.equal(await shown.changed(j.list), false);
  now = [{ ...RUNNING, run_id: '20261129-101700-aa11bb' }, ENDED];
  assert.equal(await shown.changed(j.list), true, 'a new run (the CLI, another window) redraws');
});

test('a view that never listed anything redraws without reading the journal (a collapsed view loads nothing)', async () => {
  const shown = new ShownRuns();
  const j = journal(() => [RUNNING]);
  assert.equal(await shown.changed(j.list), true);
  assert.equal(j.reads(), 0, 'the journal was not read');
});

test('a journal that cannot be read redraws (the view then says why), and so does the next check', async () => {
  const shown = new ShownRuns();
  shown.showing([ENDED]);
  const failing = async (): Promise<RunSummary[]> => {
    throw new Error('EACCES: permission denied');
  };
  assert.equal(await shown.changed(failing), true);
  const j = journal(() => [ENDED]);
  assert.equal(await shown.changed(j.list), true, 'after a failure nothing is known to be shown: redraw');
  assert.equal(j.reads(), 0);
});

test('forget: the next check redraws even when nothing changed (Refresh, another home)', async () => {
  const shown = new ShownRuns();
  shown.showing([ENDED]);
  shown.forget();
  assert.equal(await shown.changed(journal(() => [ENDED]).list), true);
});
