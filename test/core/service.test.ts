import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookService } from '../../src/core/service';
import { resolveConfig } from '../../src/core/shared/config';
import { MemorySecrets } from '../helpers/memory-secrets';
import { tempDir } from '../helpers/temp-dir';

test('the service builds the store on first use, from the config, once', async (t) => {
  const home = await tempDir(t);
  const svc = new PlaybookService(resolveConfig({ home }, {}), { secrets: new MemorySecrets() });
  assert.equal(svc.store, svc.store, 'one store per service');
  assert.equal(svc.store.playbooksDir, path.join(home, 'playbooks'));
  await svc.store.createPlaybook({ name: 'Via service', description: '' });
  assert.equal((await svc.store.listPlaybooks()).length, 1);
  svc.dispose();
});

test('dispose runs in reverse creation order, once, and a disposed service refuses to build more', () => {
  const order: string[] = [];
  class Probe extends PlaybookService {
    readonly a = this.lazy(() => ({ dispose: () => order.push('a') }));
    readonly b = this.lazy(() => ({ dispose: () => order.push('b') }));
    readonly broken = this.lazy(() => ({
      dispose: () => {
        throw new Error('boom');
      },
    }));
  }
  const warnings: string[] = [];
  const svc = new Probe(resolveConfig({ home: '/nonexistent' }, {}), { secrets: new MemorySecrets(), logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } });
  svc.a();
  svc.broken();
  svc.b();
  svc.a();
  svc.dispose();
  svc.dispose();
  assert.deepEqual(order, ['b', 'a'], 'b was created last, so it goes first; a failing dispose does not stop the rest');
  assert.deepEqual(warnings, ['dispose failed: boom']);
  assert.throws(() => svc.b(), /disposed/);
});
