import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateDataKey } from '../../../src/core/shared/crypto';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { startTestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput } from './harness';

/**
 * A conflict copy is another playbook (`<id>-conflict-<n>`): its sensitive values are sealed for
 * the copy's id (sensitive.ts binds every envelope to its playbook), so they open there.
 */
test('a conflict copy of a playbook with sensitive values keeps them readable under its own id', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const a = await makeHome(t, s, { secrets: new MemorySecrets({ 'escher.dataKey': generateDataKey() }) });
  const b = await makeHome(t, s, { secrets: new MemorySecrets({ 'escher.dataKey': generateDataKey() }) });
  const id = 'secret-runbook';
  const input = playbookInput(id, {
    area: 'synced',
    parameters: [{ name: 'db_password', type: 'string', sensitive: true, default: 'b-local-password' }],
    scripts: [{ path: 'shell/stop.sh', content: 'echo sealed body\n', sensitive: true }],
  });
  await a.store.createPlaybook(input);
  await b.store.createPlaybook(input);
  await a.publisher.syncAllMetadata();
  await b.publisher.syncAllMetadata();
  await a.store.updatePlaybook(id, { name: 'Name from A' });
  await b.store.updatePlaybook(id, { name: 'Name from B' });
  await a.publisher.syncAllMetadata();
  const rb = await b.publisher.syncAllMetadata();
  assert.deepEqual(rb.conflicts.map((c) => c.copy_id), [`${id}-conflict-1`], JSON.stringify(rb.failed));
  const copy = await b.store.getPlaybook(`${id}-conflict-1`);
  assert.deepEqual((await b.store.revealParameters(copy)).map((p) => p.default), ['b-local-password']);
  assert.equal((await b.store.readScript(copy, 'shell/stop.sh')).toString(), 'echo sealed body\n');
  assert.deepEqual((await b.store.doctor()).issues, []);
});
