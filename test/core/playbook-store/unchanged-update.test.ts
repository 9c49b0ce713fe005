import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { CreatePlaybookInput, StoreChange } from '../../../src/core/playbook-store/types';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

async function newStore(t: TestContext) {
  const dir = path.join(await tempDir(t, 'escher-unchanged-'), 'playbooks');
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets() });
  const changes: StoreChange[] = [];
  store.onDidChange((c) => changes.push(c));
  return { store, dir, changes };
}

const rotate: CreatePlaybookInput = {
  name: 'Rotate keys',
  description: 'Rotates the API keys.',
  keywords: ['keys'],
  scripts: [
    { path: 'shell/rotate.sh', content: '#!/bin/sh\necho rotate\n' },
    { path: 'python/token.py', content: 'TOKEN = "t"\n', sensitive: true },
  ],
  parameters: [
    { name: 'region', type: 'string', default: 'eu-west-1' },
    { name: 'password', type: 'string', sensitive: true, default: 'hunter2' },
  ],
};

test('an update with nothing to change writes no version, emits nothing and returns the latest version marked unchanged', async (t) => {
  const { store, changes } = await newStore(t);
  const v1 = await store.createPlaybook(rotate);
  const before = await fs.readFile(path.join(v1.dir, 'metadata.json'), 'utf8');
  changes.length = 0;
  for (const input of [
    {},
    { bump: 'major' as const },
    { name: 'Rotate keys', description: 'Rotates the API keys.', keywords: ['keys'], storage_strategy: v1.metadata.storage_strategy },
    // Same bytes again, a sensitive script and a sensitive default given in plaintext: every write seals afresh, so only plaintext can tell.
    { scripts: [{ path: 'shell/rotate.sh', content: '#!/bin/sh\necho rotate\n' }, { path: 'python/token.py', content: 'TOKEN = "t"\n', sensitive: true }] },
    { parameters: [{ name: 'region', type: 'string' as const, default: 'eu-west-1', description: undefined }, { name: 'password', type: 'string' as const, sensitive: true, default: 'hunter2' }] },
  ]) {
    const r = await store.updatePlaybook('rotate-keys', input);
    assert.equal(r.unchanged, true, `unchanged for ${JSON.stringify(input)}`);
    assert.equal(r.metadata.version, '1.0.0');
    assert.equal(r.dir, v1.dir);
  }
  assert.deepEqual(await store.listVersions('rotate-keys'), ['1.0.0']);
  assert.equal(await fs.readFile(path.join(v1.dir, 'metadata.json'), 'utf8'), before, 'the version was not rewritten either');
  assert.deepEqual(changes, [], 'no change was announced');
});

test('any real change still writes a version: a field, a script byte, a sensitive default, a removed script', async (t) => {
  const { store } = await newStore(t);
  await store.createPlaybook(rotate);
  const edits = [
    { description: 'Rotates the API keys, weekly.' },
    { scripts: [{ path: 'shell/rotate.sh', content: '#!/bin/sh\necho rotate \n' }] },
    { parameters: [{ name: 'region', type: 'string' as const, default: 'eu-west-1' }, { name: 'password', type: 'string' as const, sensitive: true, default: 'hunter3' }] },
    { scripts: [{ path: 'python/token.py', content: 'TOKEN = "t"\n' }] },
    { removeScripts: ['python/token.py'] },
  ];
  for (const [i, input] of edits.entries()) {
    const r = await store.updatePlaybook('rotate-keys', input);
    assert.equal(r.unchanged, false, `edit ${i} is a change`);
    assert.equal(r.metadata.version, `1.0.${i + 1}`);
  }
  assert.equal((await store.listVersions('rotate-keys')).length, edits.length + 1);
});

test('a version based on an older one is a change even with no edits (it reverts the latest); writeUnchanged forces a write', async (t) => {
  const { store } = await newStore(t);
  await store.createPlaybook(rotate);
  await store.updatePlaybook('rotate-keys', { description: 'second' });
  const revert = await store.updatePlaybook('rotate-keys', { fromVersion: '1.0.0' });
  assert.deepEqual([revert.unchanged, revert.metadata.version, revert.metadata.description], [false, '1.0.2', rotate.description]);
  const mirrored = await store.updatePlaybook('rotate-keys', { version: '2.0.0', writeUnchanged: true });
  assert.deepEqual([mirrored.unchanged, mirrored.metadata.version], [false, '2.0.0']);
  assert.deepEqual(await store.listVersions('rotate-keys'), ['1.0.0', '1.0.1', '1.0.2', '2.0.0']);
});
