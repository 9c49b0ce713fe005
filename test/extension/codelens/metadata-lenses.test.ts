import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { type LensContext, metadataLenses } from '../../../src/extension/codelens/metadata-lenses';
import { locateMetadata } from '../../../src/extension/codelens/metadata-location';

const dir = path.resolve('/home/u/.escher/playbooks');

test('locateMetadata finds area, id and version only for a version metadata.json inside the playbooks folder', () => {
  assert.deepEqual(locateMetadata(path.join(dir, 'local', 'rds-stop', 'v1.2.0', 'metadata.json'), dir), { area: 'local', playbookId: 'rds-stop', version: '1.2.0' });
  assert.deepEqual(locateMetadata(path.join(dir, 'ai-generated', 'x', 'v0.1.0-rc.1', 'metadata.json'), dir)?.version, '0.1.0-rc.1');
  for (const p of [
    path.join(dir, 'local', 'rds-stop', 'metadata.json'),
    path.join(dir, 'elsewhere', 'rds-stop', 'v1.0.0', 'metadata.json'),
    path.join(dir, 'local', 'rds-stop', '1.0.0', 'metadata.json'),
    path.join(dir, 'local', 'rds-stop', 'v1.0.0', 'shell', 'metadata.json'),
    path.join(dir, '..', 'cache', 'local', 'x', 'v1.0.0', 'metadata.json'),
    '/tmp/local/x/v1.0.0/metadata.json',
  ]) {
    assert.equal(locateMetadata(p, dir), undefined, p);
  }
});

const base = (over: Partial<LensContext>): LensContext => ({
  location: { area: 'local', playbookId: 'rds-stop', version: '1.0.0' },
  latestVersion: '1.0.0',
  storageStrategy: 'local_only',
  sync: undefined,
  signedIn: true,
  ...over,
});
const titles = (ctx: LensContext) => metadataLenses(ctx).map((l) => l.title.replace(/\$\([a-z-]+\) /, ''));

test('a local playbook offers the two uploads, its private state and Validate', () => {
  assert.deepEqual(titles(base({})), ['Upload for Review', 'Upload Trusted', 'Local · Keep Private', 'Validate']);
  const [review] = metadataLenses(base({}));
  assert.equal(review?.command, 'escher.uploadForReview');
  assert.deepEqual(review?.arguments, [{ playbookId: 'rds-stop', version: '1.0.0', area: 'local' }]);
});

test('a synced playbook shows its review state instead of upload actions', () => {
  const synced = { location: { area: 'synced' as const, playbookId: 'rds-stop', version: '1.0.0' }, storageStrategy: 'uploaded_for_review' };
  assert.deepEqual(titles(base({ ...synced, sync: { phase: 'synced', review: 'pending' } })), ['Synced · in review', 'Validate']);
  assert.deepEqual(titles(base({ ...synced, sync: { phase: 'synced', review: 'rejected', reviewComment: 'hard-coded region' } })), ['Synced · rejected: hard-coded region', 'Validate']);
  assert.deepEqual(titles(base({ ...synced, sync: { phase: 'conflict', detail: 'name changed on both sides' } })), ['Sync conflict: name changed on both sides', 'Validate']);
  assert.deepEqual(titles(base({ ...synced, signedIn: false, sync: { phase: 'synced', review: 'approved' } })), ['Synced · approved · signed out', 'Validate']);
});

test('an older version points at the latest; an AI proposal offers Accept and Discard; an unknown one offers a refresh', () => {
  assert.deepEqual(titles(base({ latestVersion: '1.1.0' })).slice(0, 1), ['Older version: latest is v1.1.0']);
  assert.deepEqual(titles(base({ location: { area: 'ai-generated', playbookId: 'x', version: '1.0.0' } })), ['Accept', 'Discard', 'AI-generated · pending your decision', 'Validate']);
  assert.deepEqual(titles(base({ latestVersion: undefined, storageStrategy: undefined })), ['Not in the store index yet', 'Upload for Review', 'Upload Trusted', 'Local · not published', 'Validate']);
});

test('in a trusted workspace every metadata.json offers Run with its version; in Restricted Mode no lens offers to run', () => {
  const run = metadataLenses(base({ trusted: true })).find((l) => l.command === 'escher.runPlaybook');
  assert.deepEqual([run?.title, run?.arguments], ['$(play) Run…', [{ playbookId: 'rds-stop', version: '1.0.0', area: 'local' }]]);
  assert.deepEqual(titles(base({ trusted: true })), ['Upload for Review', 'Upload Trusted', 'Run…', 'Local · Keep Private', 'Validate']);
  for (const area of ['local', 'synced', 'ai-generated'] as const) {
    assert.ok(!metadataLenses(base({ trusted: false, location: { area, playbookId: 'x', version: '1.0.0' } })).some((l) => l.command === 'escher.runPlaybook'), area);
  }
});
