import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeReadOnlyGlob, withStoreReadOnly } from '../../../src/extension/watch/read-only-glob';

test('the read-only entry covers every file of every version folder of the store, and only that', () => {
  assert.equal(storeReadOnlyGlob('/home/ann/.escher/playbooks/'), '/home/ann/.escher/playbooks/*/*/v*/**');
  assert.equal(storeReadOnlyGlob('C:\\Users\\ann\\.escher\\playbooks'), 'C:/Users/ann/.escher/playbooks/*/*/v*/**');
  // Glob syntax in the folder name would mark other files (or none): no entry at all.
  for (const odd of ['/srv/play*books', '/srv/{a,b}', '/srv/[x]', '/srv/what?']) assert.equal(storeReadOnlyGlob(odd), undefined, odd);
});

test('the entry is added once, next to the user\'s own, and a user\'s `false` for it is respected', () => {
  const glob = '/h/.escher/playbooks/*/*/v*/**';
  assert.deepEqual(withStoreReadOnly(undefined, glob), { [glob]: true });
  assert.deepEqual(withStoreReadOnly({ '**/vendor/**': true }, glob), { '**/vendor/**': true, [glob]: true });
  assert.equal(withStoreReadOnly({ [glob]: true }, glob), undefined, 'already there: nothing to write');
  assert.equal(withStoreReadOnly({ [glob]: false }, glob), undefined, 'opted out: left alone');
  assert.deepEqual(withStoreReadOnly(['not', 'an', 'object'], glob), { [glob]: true });
});
