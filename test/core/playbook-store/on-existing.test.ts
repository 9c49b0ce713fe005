import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { CreateResult } from '../../../src/core/playbook-store/bulk-create';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { CreatePlaybookInput } from '../../../src/core/playbook-store/types';
import { encryptJson, generateDataKey } from '../../../src/core/shared/crypto';
import { CryptoError } from '../../../src/core/shared/errors';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

/** Creating what is already there (re-importing a file, `create` with a taken name): what happens is chosen and reported, never a silent `-2`. */
async function newStore(t: TestContext, secrets = new MemorySecrets()) {
  const dir = path.join(await tempDir(t, 'escher-store-'), 'playbooks');
  return { store: new PlaybookStore({ playbooksDir: dir, secrets }), dir, secrets };
}

const web: CreatePlaybookInput = {
  name: 'Restart web',
  description: 'restarts the web tier',
  scripts: [
    { path: 'shell/restart.sh', content: 'systemctl restart web\n' },
    { path: 'shell/old.sh', content: 'echo old\n' },
  ],
  parameters: [{ name: 'host', type: 'string', default: 'web-1' }],
};

function outcomes(results: CreateResult[]): string[] {
  return results.map((r) => (r.ok ? `${r.outcome} ${r.playbook.metadata.playbook_id} v${r.playbook.metadata.version}` : `failed ${(r.error as Error).message}`));
}

test('without a choice (the API default) a taken name is still a copy, but reported as one', async (t) => {
  const { store } = await newStore(t);
  const [first] = await store.createPlaybooks([web]);
  const [second] = await store.createPlaybooks([web]);
  assert.deepEqual(outcomes([first!, second!]), ['created restart-web v1.0.0', 'copied restart-web-2 v1.0.0']);
  assert.equal(second!.ok && second!.outcome === 'copied' ? second!.existing : undefined, 'restart-web');
});

test('skip: the same playbook again is skipped as identical, a changed one is skipped and said to differ; nothing is written', async (t) => {
  const { store, dir } = await newStore(t);
  await store.createPlaybooks([web]);
  const before = await fs.readdir(path.join(dir, 'local'));
  const results = await store.createPlaybooks([web, { ...web, description: 'changed' }, { ...web, name: 'Restart web!', description: 'another one' }], undefined, { onExisting: 'skip' });
  assert.deepEqual(outcomes(results), ['skipped restart-web v1.0.0', 'skipped restart-web v1.0.0', 'created restart-web-2 v1.0.0']);
  assert.deepEqual(
    results.slice(0, 2).map((r) => r.ok && r.outcome === 'skipped' && r.identical),
    [true, false],
  );
  assert.deepEqual(await fs.readdir(path.join(dir, 'local')), [...before, 'restart-web-2'].sort(), 'only the playbook with another name (same slug) was created');
});

test('skip: the same name twice in one file creates it once', async (t) => {
  const { store } = await newStore(t);
  const results = await store.createPlaybooks([web, web, { ...web, description: 'third' }], undefined, { onExisting: 'skip' });
  assert.deepEqual(outcomes(results), ['created restart-web v1.0.0', 'skipped restart-web v1.0.0', 'skipped restart-web v1.0.0']);
});

test('new-version: a changed spec becomes the next version with exactly its scripts; an unchanged one writes nothing', async (t) => {
  const { store } = await newStore(t);
  await store.createPlaybooks([web]);
  const changed: CreatePlaybookInput = { ...web, description: 'changed', scripts: [{ path: 'shell/restart.sh', content: 'systemctl restart web --now\n' }] };
  const results = await store.createPlaybooks([changed, changed, web], undefined, { onExisting: 'new-version' });
  assert.deepEqual(outcomes(results), ['new-version restart-web v1.0.1', 'skipped restart-web v1.0.1', 'new-version restart-web v1.0.2']);
  const latest = await store.getPlaybook('restart-web');
  assert.deepEqual(latest.metadata.scripts.map((s) => s.path).sort(), ['shell/old.sh', 'shell/restart.sh']);
  const v101 = await store.getPlaybook('restart-web', '1.0.1');
  assert.deepEqual([v101.metadata.description, v101.metadata.scripts.map((s) => s.path)], ['changed', ['shell/restart.sh']], 'a script the spec no longer has is not carried over');
  assert.equal((await store.readScript(v101, 'shell/restart.sh')).toString(), 'systemctl restart web --now\n');
  // A bundle's explicit higher version is kept.
  const [pinned] = await store.createPlaybooks([{ ...web, description: 'v2', playbook_id: 'restart-web', version: '2.0.0' }], undefined, { onExisting: 'new-version' });
  assert.deepEqual(outcomes([pinned!]), ['new-version restart-web v2.0.0']);
});

test('copy: a separate playbook beside the existing one, reported with the one it copies', async (t) => {
  const { store } = await newStore(t);
  await store.createPlaybooks([web]);
  const [r] = await store.createPlaybooks([{ ...web, playbook_id: 'restart-web' }], undefined, { onExisting: 'copy' });
  assert.deepEqual(outcomes([r!]), ['copied restart-web-2 v1.0.0']);
  assert.equal(r!.ok && r!.outcome === 'copied' ? r!.existing : undefined, 'restart-web');
});

test('an existing id is reported as existing even where no data key exists, and no key is made for sealed values', async (t) => {
  const { store, secrets } = await newStore(t);
  await store.createPlaybooks([{ name: 'Rotate db', description: 'plain', playbook_id: 'rotate-db' }]);
  // A bundle spec from another home: its sensitive default is sealed with that home's key.
  const sealed = encryptJson(Buffer.from(generateDataKey(), 'base64'), 'hunter2', 'param:password');
  const spec: CreatePlaybookInput = { name: 'Rotate db', description: 'from elsewhere', playbook_id: 'rotate-db', parameters: [{ name: 'password', type: 'string', sensitive: true, default: sealed }] };
  const [existing, fresh] = await store.createPlaybooks([spec, { ...spec, playbook_id: 'rotate-db-two' }], undefined, { onExisting: 'skip' });
  assert.deepEqual(outcomes([existing!]), ['skipped rotate-db v1.0.0']);
  assert.ok(!fresh!.ok);
  assert.ok(fresh!.error instanceof CryptoError);
  assert.match(fresh!.error.message, /sealed with another home's data key, and this home has none/);
  assert.equal(fresh!.error.hintCode, 'data-key-missing');
  assert.equal(await secrets.get('escher.dataKey'), undefined, 'no key was created that could never open them');
});
