import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '../../helpers/dev-server';
import { makeHome, playbookInput } from './harness';

test('a synced playbook made local_only here stops syncing both ways, visibly: the server change it does not receive is reported, in status and the sync views; publishing it again merges and clears it', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const a = await makeHome(t, s);
  const b = await makeHome(t, s);
  for (const h of [a, b]) await h.store.createPlaybook(playbookInput('lo-pb', { area: 'synced' }));
  await a.publisher.syncAllMetadata();
  await b.publisher.syncAllMetadata();

  // B keeps its copy private from now on; A edits it on the server meanwhile.
  await b.store.updatePlaybook('lo-pb', { storage_strategy: 'local_only', keywords: ['mine'] });
  assert.equal((await b.publisher.syncViews()).get('lo-pb')?.sync_state, 'not_syncing', 'said at once, before any server change');
  await a.store.updatePlaybook('lo-pb', { description: 'edited on A' });
  await a.publisher.syncAllMetadata();

  const r = await b.publisher.syncAllMetadata();
  assert.deepEqual([r.failed, r.pulled, r.updated], [[], [], []], 'nothing sent, nothing written over the local_only version');
  assert.match(r.skipped.map((x) => x.reason).join('\n'), /lo-pb's latest version here is local_only, so it no longer syncs: nothing is sent and the server's change \(v1\.0\.1\) is not received/);
  const st = await b.publisher.status();
  assert.deepEqual(st.notSyncing.map((u) => [u.playbook_id, u.kind, u.remote_version]), [['lo-pb', 'detached', '1.0.1']]);
  const view = (await b.publisher.syncViews()).get('lo-pb');
  assert.equal(view?.sync_state, 'not_syncing');
  assert.match(view?.detail ?? '', /v1\.0\.1\) is not received.*publish it with --review or --trusted/);
  assert.equal((await b.store.getPlaybook('lo-pb')).metadata.description, playbookInput('lo-pb').description);

  // Shared again: the server's edit is merged with B's own (different fields), nothing lost.
  const pub = await b.publisher.publishMetadata('lo-pb', { strategy: 'uploaded_for_review' });
  assert.equal(pub.status, 'published');
  const merged = await b.store.getPlaybook('lo-pb');
  assert.deepEqual([merged.metadata.description, merged.metadata.keywords, merged.metadata.storage_strategy], ['edited on A', ['mine'], 'uploaded_for_review']);
  assert.deepEqual((await b.publisher.status()).notSyncing, []);
  assert.equal((await b.publisher.syncViews()).get('lo-pb')?.sync_state, 'synced');
  await a.publisher.syncAllMetadata();
  assert.deepEqual((await a.store.getPlaybook('lo-pb')).metadata.keywords, ['mine'], 'and it reached the other device');
});
