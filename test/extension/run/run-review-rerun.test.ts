import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishFlow } from '../../../src/extension/commands/publish';
import { runAgainFlow, runPlaybookFlow } from '../../../src/extension/run/run-flow';
import { showRunLogFlow } from '../../../src/extension/runs/show-run-log';
import { TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { libraryServer } from '../helpers/library-server';
import { runCommandEnv } from '../helpers/run-host';

/** The review gate against the reference server, Run Again, and a run's log, through the scripted UI. */

test('a playbook pending review asks for a reason in a second dialog; the reason is recorded; Escape there runs nothing', async (t) => {
  const s = await libraryServer(t);
  // Upload for Review asks first; then two runs: the reason box escaped, then answered.
  const e = await runCommandEnv(t, { answers: [true, true, undefined, true, 'outage INC-42, reviewer on leave'], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await e.svc.store.createPlaybook({ name: 'Gate', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo gated run\n' }] });
  assert.equal(await publishFlow(e.ctx, { playbookId: 'gate' }, 'uploaded_for_review'), 'published');

  assert.deepEqual(await runPlaybookFlow(e.ctx, e.host, { playbookId: 'gate' }), { outcome: 'cancelled' });
  assert.equal(e.ui.runTerminals.length, 0, 'no reason, no run');
  const out = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'gate' });
  assert.ok(out.outcome === 'ran');

  const [upload, first, second] = e.ui.confirms;
  assert.equal(upload?.button, 'Upload for Review');
  assert.equal(first?.button, 'Run Unreviewed…');
  assert.match(first?.detail ?? '', /Review: pending — it has not been approved: running it needs a reason, which is recorded/);
  assert.equal(second?.button, 'Run Unreviewed…');
  const reasonBox = e.ui.inputs.at(-1)!;
  assert.match(reasonBox.prompt ?? '', /gate is pending review\. Why must it run now\? The reason is recorded with the run\./);
  assert.equal(reasonBox.validate?.('   '), 'A reason is required to run it unreviewed');
  assert.deepEqual(out.record.review, { status: 'pending', override_reason: 'outage INC-42, reviewer on leave' });
  assert.match(e.ui.runTerminals[0]!.output, /gated run/);
});

test('Run Again repeats the version, folder and values of a run; a sensitive value is asked again; the record links back', async (t) => {
  const e = await runCommandEnv(t, { answers: ['db-1', 'pw-1', true, '', 'pw-2', true] });
  await e.svc.store.createPlaybook({
    name: 'Rotate',
    description: 'x',
    scripts: [{ path: 'shell/run.sh', content: 'echo "rotating {{target}}"\n[ -n "{{password}}" ]\n' }],
    parameters: [
      { name: 'target', type: 'string', required: true },
      { name: 'password', type: 'string', required: true, sensitive: true },
    ],
    enforceContract: true,
  });
  const first = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'rotate' });
  assert.ok(first.outcome === 'ran');
  // A newer version exists by now: Run Again still runs the version that ran.
  await e.svc.store.updatePlaybook('rotate', { description: 'changed', enforceContract: true });

  const again = await runAgainFlow(e.ctx, e.host, { run_id: first.record.run_id, playbook_id: 'rotate' });
  assert.ok(again.outcome === 'ran');
  assert.equal(e.ui.inputs[2]!.value, 'db-1', 'the recorded value is prefilled');
  assert.match(e.ui.inputs[2]!.placeholder ?? '', /from the run being repeated/);
  assert.deepEqual([e.ui.inputs[3]!.password, e.ui.inputs[3]!.value], [true, ''], 'the sensitive one is asked again');
  assert.deepEqual([again.record.version, again.record.cwd, again.record.rerun_of], ['1.0.0', e.work, first.record.run_id]);
  assert.deepEqual(again.record.parameters.target, { value: 'db-1', source: 'rerun' });
  assert.match(e.ui.runTerminals[1]!.output, /rotating db-1/);
});

test('Run Again is refused in Restricted Mode; Show Run Log opens the run as a read-only document, an unknown run is a typed error', async (t) => {
  const e = await runCommandEnv(t, { answers: [true, 'fine v1.0.0'] });
  await e.svc.store.createPlaybook({ name: 'Fine', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo fine\n' }] });
  const out = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'fine' });
  assert.ok(out.outcome === 'ran');
  e.ui.trusted = false;
  assert.deepEqual(await runAgainFlow(e.ctx, e.host, { run_id: out.record.run_id }), { outcome: 'refused' });

  assert.equal(await showRunLogFlow(e.ctx, e.host, { run_id: out.record.run_id }), `escher-run:/${out.record.run_id}.log`);
  assert.equal(await showRunLogFlow(e.ctx, e.host, undefined), `escher-run:/${out.record.run_id}.log`, 'from the palette: a pick of recent runs');
  assert.deepEqual(e.ui.virtualDocuments, [`escher-run:/${out.record.run_id}.log`, `escher-run:/${out.record.run_id}.log`]);
  await assert.rejects(showRunLogFlow(e.ctx, e.host, { run_id: '20990101-000000-abcdef' }), (err: Error & { code?: string }) => err.code === 'NOT_FOUND');
});
