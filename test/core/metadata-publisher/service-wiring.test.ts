import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookService } from '../../../src/core/service';
import { resolveConfig } from '../../../src/core/shared/config';
import type { SecretKey, SecretStore } from '../../../src/core/shared/secrets';
import { TEST_TENANT, TEST_TOKEN, startTestServer, type TestServer } from '../../helpers/dev-server';
import { playbookInput } from './harness';

async function device(t: { after(fn: () => Promise<void> | void): void }, s: TestServer): Promise<PlaybookService> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-svc-'));
  t.after(() => fs.rm(home, { recursive: true, force: true }));
  const m = new Map<SecretKey, string>([['escher.token', TEST_TOKEN]]);
  const secrets: SecretStore = { get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v), delete: async (k) => void m.delete(k) };
  const svc = new PlaybookService(resolveConfig({ home, serverUrl: s.url, tenantId: TEST_TENANT }, {}), { secrets });
  t.after(() => svc.dispose());
  return svc;
}

test('service.publisher: vectors from the local search model; a script changed on another device comes down through the verified script cache; a corrupt download changes nothing', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const a = await device(t, s);
  const b = await device(t, s);
  await a.store.createPlaybook(playbookInput('svc-pb', { area: 'synced' }));
  await b.store.createPlaybook(playbookInput('svc-pb', { area: 'synced' }));
  await a.publisher.syncAllMetadata();
  await b.publisher.syncAllMetadata();
  // The vector came from the local search embedder (the real offline model), same id as the local index.
  const rec = await s.api.getRecord('svc-pb');
  assert.equal(rec?.versions['1.0.0']?.has_vector, true);
  const stored = JSON.parse(await fs.readFile(path.join(s.dataDir, 'tenants', TEST_TENANT, 'vectors', 'svc-pb', '1.0.0.json'), 'utf8')) as { model: string; vector: number[] };
  assert.equal(stored.model, a.search.embedder.id);
  assert.equal(stored.vector.length, await a.search.embedder.dimension());
  await a.store.updatePlaybook('svc-pb', { scripts: [{ path: 'shell/stop.sh', content: '#!/bin/sh\necho v2 from A\n' }] });
  await a.publisher.syncAllMetadata();

  s.setFault('corrupt', {});
  const bad = await b.publisher.syncAllMetadata();
  assert.ok(bad.failed.length > 0, 'the bad bytes are refused');
  assert.equal((await b.store.getPlaybook('svc-pb')).metadata.version, '1.0.0', 'no partial version written');
  s.clearFaults();
  const good = await b.publisher.syncAllMetadata();
  assert.deepEqual(good.pulled, ['svc-pb']);
  const pb = await b.store.getPlaybook('svc-pb');
  assert.equal((await b.store.readScript(pb, 'shell/stop.sh')).toString(), '#!/bin/sh\necho v2 from A\n');
});

for (const fault of ['truncate', 'expired-url', 'foreign-url'] as const) {
  test(`download fault ${fault} while pulling a server-side script change: verified bytes or nothing written`, async (t) => {
    const s = await startTestServer();
    t.after(() => s.close());
    const a = await device(t, s);
    const b = await device(t, s);
    const id = `dl-${fault}`;
    await a.store.createPlaybook(playbookInput(id, { area: 'synced', storage_strategy: 'uploaded_trusted' }));
    await b.store.createPlaybook(playbookInput(id, { area: 'synced', storage_strategy: 'uploaded_trusted' }));
    await a.publisher.syncAllMetadata();
    await b.publisher.syncAllMetadata();
    await a.store.updatePlaybook(id, { scripts: [{ path: 'shell/stop.sh', content: `#!/bin/sh\necho ${fault}\n` }] });
    await a.publisher.syncAllMetadata();
    s.setFault(fault, { count: 1 });
    const r = await b.publisher.syncAllMetadata();
    assert.deepEqual(s.server.faults(), [], `the ${fault} fault fired during the pull (a sync that never met it would prove nothing)`);
    const pb = await b.store.getPlaybook(id);
    if (r.failed.length) {
      assert.equal(pb.metadata.version, '1.0.0', 'nothing written on a failed download');
      s.clearFaults();
      assert.deepEqual((await b.publisher.syncAllMetadata()).pulled, [id]);
    } else {
      assert.deepEqual(r.pulled, [id], 'the downloader recovered within the sync');
    }
    const now = await b.store.getPlaybook(id);
    assert.equal((await b.store.readScript(now, 'shell/stop.sh')).toString(), `#!/bin/sh\necho ${fault}\n`);
  });
}
