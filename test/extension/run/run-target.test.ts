import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { runIdFromArg, runTargetFromArg } from '../../../src/extension/run/run-target';

const STORE = path.join('/home', 'u', '.escher', 'playbooks');

test('what Run Playbook was invoked on: a row, a script row, a lens or search ref, a script editor URI', () => {
  assert.deepEqual(runTargetFromArg({ playbookId: 'stop-db', version: '1.0.0', area: 'local' }, STORE), { playbookId: 'stop-db', version: '1.0.0', area: 'local' });
  // A script row of the tree (FileNode: playbookId/version getters, relPath, format).
  assert.deepEqual(runTargetFromArg({ playbookId: 'stop-db', version: '1.0.1', relPath: 'shell/b.sh', format: 'shell' }, STORE), { playbookId: 'stop-db', version: '1.0.1', area: undefined, script: 'shell/b.sh' });
  // metadata.json's row names no script.
  assert.deepEqual(runTargetFromArg({ playbookId: 'stop-db', version: '1.0.1', relPath: 'metadata.json', format: undefined }, STORE), { playbookId: 'stop-db', version: '1.0.1', area: undefined });
  const uri = { scheme: 'file', fsPath: path.join(STORE, 'synced', 'stop-db', 'v2.0.0', 'python', 'main.py') };
  assert.deepEqual(runTargetFromArg(uri, STORE), { playbookId: 'stop-db', version: '2.0.0', area: 'synced', script: 'python/main.py' });
});

test('anything else is no target (the flow asks): files outside the store, other schemes, junk', () => {
  assert.equal(runTargetFromArg({ scheme: 'file', fsPath: '/tmp/run.sh' }, STORE), undefined);
  assert.equal(runTargetFromArg({ scheme: 'file', fsPath: path.join(STORE, 'local', '..', '..', 'evil', 'v1.0.0', 'x.sh') }, STORE), undefined);
  assert.equal(runTargetFromArg({ scheme: 'untitled', fsPath: path.join(STORE, 'local', 'a', 'v1.0.0', 'shell', 'x.sh') }, STORE), undefined);
  assert.equal(runTargetFromArg(undefined, STORE), undefined);
  assert.equal(runTargetFromArg('stop-db', STORE), undefined);
});

test('a run id from a Runs row, an object, or text; anything not shaped like one is refused', () => {
  assert.equal(runIdFromArg({ run_id: '20261129-101500-3f9a2c', playbook_id: 'x' }), '20261129-101500-3f9a2c');
  assert.equal(runIdFromArg({ runId: '20261129-101500-3f9a2c' }), '20261129-101500-3f9a2c');
  assert.equal(runIdFromArg({ run_id: '../../etc/passwd' }), undefined);
  assert.equal(runIdFromArg(42), undefined);
});
