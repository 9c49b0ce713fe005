import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type MergeView, threeWayMerge } from '../../../src/core/metadata-publisher/three-way-merge';

const base: MergeView = {
  name: 'Weekend RDS shutdown',
  description: 'Stops dev RDS instances on Friday night',
  keywords: ['rds', 'cost'],
  resource_types: ['rds'],
  cloud_provider: 'aws',
  parameters: [{ name: 'region', type: 'string', default: 'eu-west-1' }],
  storage_strategy: 'uploaded_for_review',
  scripts: [{ path: 'shell/stop.sh', sha256: 'a'.repeat(64) }],
};

test('edits to different fields merge: each side keeps its own change', () => {
  const local = { ...base, description: 'Stops dev and test RDS instances' };
  const remote = { ...base, keywords: ['rds', 'cost', 'weekend'] };
  const r = threeWayMerge(base, local, remote);
  assert.deepEqual(r.collisions, []);
  assert.deepEqual(r.fromLocal, ['description']);
  assert.deepEqual(r.fromRemote, ['keywords']);
  assert.equal(r.merged.description, 'Stops dev and test RDS instances');
  assert.deepEqual(r.merged.keywords, ['rds', 'cost', 'weekend']);
});

test('the same field changed differently on both sides is a collision, never a silent pick', () => {
  const r = threeWayMerge(base, { ...base, name: 'Local name' }, { ...base, name: 'Reviewer name' });
  assert.deepEqual(r.collisions, ['name']);
});

test('the same change made on both sides is not a conflict', () => {
  const r = threeWayMerge(base, { ...base, name: 'Same' }, { ...base, name: 'Same' });
  assert.deepEqual(r, { merged: { ...base, name: 'Same' }, fromLocal: [], fromRemote: [], collisions: [] });
});

test('scripts are one unit: different script edits on both sides collide even on different files', () => {
  const local = { ...base, scripts: [...base.scripts, { path: 'python/a.py', sha256: 'b'.repeat(64) }] };
  const remote = { ...base, scripts: [{ path: 'shell/stop.sh', sha256: 'c'.repeat(64) }] };
  assert.deepEqual(threeWayMerge(base, local, remote).collisions, ['scripts']);
});

test('without a base every difference is a collision', () => {
  const r = threeWayMerge(undefined, { ...base, name: 'x' }, { ...base, description: 'y' });
  assert.deepEqual(r.collisions.sort(), ['description', 'name']);
});

test('property: a side that did not change never wins a field over the side that did', () => {
  const fieldValue = fc.constantFrom('a', 'b', 'c');
  fc.assert(
    fc.property(fieldValue, fieldValue, fieldValue, (b, l, r) => {
      const res = threeWayMerge({ ...base, name: b }, { ...base, name: l }, { ...base, name: r });
      if (l === r) assert.equal(res.merged.name, l);
      else if (l === b) assert.equal(res.merged.name, r);
      else if (r === b) assert.equal(res.merged.name, l);
      else assert.deepEqual(res.collisions, ['name']);
    }),
  );
});
