import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSink } from '../../../src/core/runner/execute';
import { runFixture } from './fixtures';

/** The review gate's reason given after the plan was shown (VS Code's second dialog). */
test('allowUnreviewed on a gated plan: the blocker goes, the reason is recorded; empty reasons and ungated plans change nothing', async (t) => {
  const fx = await runFixture(t, { reviewStatus: () => Promise.resolve('pending') });
  await fx.create({ name: 'Rev', playbook_id: 'rev', storage_strategy: 'uploaded_for_review', scripts: [{ path: 'shell/run.sh', content: 'echo ok\n' }] });
  const plan = await fx.runner.plan(await fx.runner.prepare({ playbookId: 'rev', mode: 'run', cwd: fx.work }));
  assert.deepEqual(plan.blockers, ['its review is pending: a reason is needed to run it unreviewed']);
  fx.runner.allowUnreviewed(plan, '   ');
  assert.equal(plan.blockers.length, 1, 'a blank reason is no reason');
  fx.runner.allowUnreviewed(plan, '  outage INC-42 ');
  assert.deepEqual([plan.blockers, plan.review], [[], { status: 'pending', gated: true, overrideReason: 'outage INC-42' }]);
  const sink: RunSink = { write: () => undefined, note: () => undefined, stdin: 'ignore' };
  const record = await fx.runner.execute(plan, sink, { consent: 'dialog' });
  assert.deepEqual([record.status, record.review], ['succeeded', { status: 'pending', override_reason: 'outage INC-42' }]);

  await fx.create({ name: 'Mine', playbook_id: 'mine', storage_strategy: 'local_only', scripts: [{ path: 'shell/run.sh', content: 'echo ok\n' }] });
  const mine = await fx.runner.plan(await fx.runner.prepare({ playbookId: 'mine', mode: 'run', cwd: fx.work }));
  fx.runner.allowUnreviewed(mine, 'not needed');
  assert.deepEqual(mine.review, { status: 'pending', gated: false }, 'a playbook that is not gated records no override');
  await fx.runner.discard(mine);
  assert.deepEqual(await fx.leftovers(), []);
});
