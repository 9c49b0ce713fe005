import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { movedPath } from '../../../src/extension/watch/moved-files';

const dir = path.join(path.sep, 'home', 'u', '.escher', 'playbooks');
const moved = { kind: 'moved' as const, playbookId: 'stop-db', from: 'local' as const, to: 'synced' as const };

test('a file of the moved playbook follows it to the new area, at the same place inside it', () => {
  assert.equal(movedPath(path.join(dir, 'local', 'stop-db', 'v1.0.1', 'shell', 'stop.sh'), dir, moved), path.join(dir, 'synced', 'stop-db', 'v1.0.1', 'shell', 'stop.sh'));
  assert.equal(movedPath(path.join(dir, 'local', 'stop-db', 'v1.0.0', 'metadata.json'), dir, moved), path.join(dir, 'synced', 'stop-db', 'v1.0.0', 'metadata.json'));
});

test('files of other playbooks (one whose id only starts the same), other areas, the folder itself and paths outside stay', () => {
  assert.equal(movedPath(path.join(dir, 'local', 'stop-db-conflict-1', 'v1.0.0', 'metadata.json'), dir, moved), undefined);
  assert.equal(movedPath(path.join(dir, 'synced', 'stop-db', 'v1.0.0', 'metadata.json'), dir, moved), undefined);
  assert.equal(movedPath(path.join(dir, 'local', 'stop-db'), dir, moved), undefined);
  assert.equal(movedPath(path.join(path.sep, 'tmp', 'stop.sh'), dir, moved), undefined);
  assert.equal(movedPath(path.join(dir, 'local', 'stop-db', '..', 'other', 'x'), dir, moved), undefined);
});
