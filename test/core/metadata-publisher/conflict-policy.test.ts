import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaybookRecord, PublishedMetadata } from '../../../src/core/escher-api/types';
import { type ConflictFacts, decideConflict } from '../../../src/core/metadata-publisher/conflict-policy';
import { toMergeView } from '../../../src/core/metadata-publisher/three-way-merge';

/** Only what the policy reads: the merge fields, version and content_hash. */
function meta(over: Partial<PublishedMetadata> & { content_hash: string }): PublishedMetadata {
  return {
    playbook_id: 'p',
    version: '1.0.0',
    name: 'Stop RDS',
    description: 'Stops dev RDS',
    keywords: ['rds'],
    resource_types: ['rds'],
    cloud_provider: 'aws',
    parameters: [],
    storage_strategy: 'uploaded_for_review',
    scripts: [{ path: 'shell/stop.sh', sha256: 'a'.repeat(64), size: 1 }],
    ...over,
  } as PublishedMetadata;
}

function record(latest: PublishedMetadata | undefined, over: Partial<PlaybookRecord> = {}): PlaybookRecord {
  const versions = latest ? { [latest.version]: { version: latest.version, metadata: latest, review_status: 'approved' as const, published_at: '', has_vector: true } } : {};
  return { playbook_id: 'p', revision: '7-x', seq: 7, deleted: false, latest_version: latest?.version ?? null, versions, updated_at: '', ...over };
}

const base = meta({ content_hash: 'B' });
const facts = (published: PublishedMetadata, current: PlaybookRecord | null, over: Partial<ConflictFacts> = {}): ConflictFacts => ({ id: 'p', published, current, tracked: true, base, ...over });

test('decideConflict: the conflict policy table', () => {
  const mine = meta({ version: '1.0.1', description: 'Mine', content_hash: 'M' });
  // Deleted on the server while changed here: keep ours.
  assert.deepEqual(decideConflict(facts(mine, record(undefined, { deleted: true }))), { kind: 'keep-local' });
  assert.deepEqual(decideConflict(facts(mine, record(base, { deleted: true }))), { kind: 'keep-local' });
  // The server already has exactly ours.
  assert.deepEqual(decideConflict(facts(mine, record(meta({ version: '1.0.1', content_hash: 'M' })))), { kind: 'adopt' });
  // Only the server changed something: take it, nothing to send.
  const theirs = meta({ keywords: ['rds', 'weekend'], content_hash: 'T' });
  const take = decideConflict(facts(meta({ content_hash: 'B2' }), record(theirs)));
  assert.equal(take.kind, 'take-remote');
  assert.deepEqual(take.kind === 'take-remote' && take.write?.keywords, ['rds', 'weekend']);
  // Nothing new on either side by the fields (e.g. only a timestamp differs): agree without writing.
  assert.deepEqual(decideConflict(facts(meta({ content_hash: 'B2' }), record(meta({ content_hash: 'B3' })))), { kind: 'take-remote', remote: meta({ content_hash: 'B3' }), write: undefined });
  // Different fields on each side: merged into a new version, then sent.
  const merged = decideConflict(facts(mine, record(theirs)));
  assert.equal(merged.kind, 'send');
  if (merged.kind === 'send') {
    assert.equal(merged.merged, true);
    assert.deepEqual([merged.write?.description, merged.write?.keywords], ['Mine', ['rds', 'weekend']]);
  }
  // Only ours changed, but the server holds our version number with other bytes (409): a new version.
  const taken = decideConflict(facts(mine, record(meta({ version: '1.0.1', content_hash: 'B' }), { versions: { '1.0.1': { version: '1.0.1', metadata: meta({ version: '1.0.1', content_hash: 'X' }), review_status: 'pending', published_at: '', has_vector: false } }, latest_version: '1.0.1' })));
  assert.equal(taken.kind, 'send');
  assert.equal(taken.kind === 'send' && taken.merged, false);
  assert.ok(taken.kind === 'send' && taken.write !== undefined, 'our version number is taken there: a new version is written');
  // Only ours changed and our version number is free there: sent as it is.
  const plain = decideConflict(facts(mine, record(base)));
  assert.deepEqual(plain.kind === 'send' && [plain.merged, plain.write], [false, undefined]);
  // The same field changed differently: keep both.
  assert.deepEqual(decideConflict(facts(mine, record(meta({ description: 'Theirs', content_hash: 'T2' })))), { kind: 'keep-both', remote: meta({ description: 'Theirs', content_hash: 'T2' }), collisions: ['description'] });
  // No base to judge by: every differing field is a collision.
  const blind = decideConflict(facts(mine, record(theirs), { base: undefined }));
  assert.deepEqual(blind.kind === 'keep-both' && blind.collisions, ['description', 'keywords']);
});

test('decideConflict: a refusal the policy cannot judge is an error, never a guess', () => {
  const mine = meta({ version: '1.0.1', content_hash: 'M' });
  assert.throws(() => decideConflict(facts(mine, null)), /without its current record/);
  assert.throws(() => decideConflict(facts(mine, record(undefined, { deleted: true }), { tracked: false })), /over a deleted record/);
});

test('decideConflict: ours being exactly a newer server version (written here, its agreement lost to a crash) is no edit; a revert to an older one still is', () => {
  // Agreed on 1.0.0; the server then had 1.0.1 (keywords) and now 1.0.2 (keywords again).
  const v101 = meta({ version: '1.0.1', keywords: ['first'], content_hash: 'S1' });
  const v102 = meta({ version: '1.0.2', keywords: ['second'], content_hash: 'S2' });
  const rec = record(v102, { versions: { '1.0.1': { version: '1.0.1', metadata: v101, review_status: 'approved', published_at: '', has_vector: true }, '1.0.2': { version: '1.0.2', metadata: v102, review_status: 'approved', published_at: '', has_vector: true } } });
  // Ours: 1.0.1's content as written here (own timestamps, so another content_hash).
  const written = meta({ version: '1.0.1', keywords: ['first'], content_hash: 'L1' });
  const d = decideConflict(facts(written, rec, { agreedVersion: '1.0.0' }));
  assert.equal(d.kind, 'take-remote');
  assert.deepEqual(d.kind === 'take-remote' && d.write?.keywords, ['second']);
  // Agreed on 1.0.2 already, ours put the keywords of the older 1.0.1 back: an edit of ours.
  const reverted = decideConflict(facts(meta({ version: '1.0.3', keywords: ['first'], content_hash: 'L2' }), rec, { agreedVersion: '1.0.2', base: v102 }));
  assert.equal(reverted.kind, 'send');
});

test('decideConflict: a server version written here under later local edits (its agreement lost to a crash) is the base: the server changing its field again is taken, the local edit kept', () => {
  // Agreed on 1.0.0; 1.0.1 (keywords) was written here, then described here as 1.0.2; the server is at 1.0.2 (keywords again).
  const v101 = meta({ version: '1.0.1', keywords: ['first'], content_hash: 'S1' });
  const v102 = meta({ version: '1.0.2', keywords: ['second'], content_hash: 'S2' });
  const rec = record(v102, { versions: { '1.0.1': { version: '1.0.1', metadata: v101, review_status: 'approved', published_at: '', has_vector: true }, '1.0.2': { version: '1.0.2', metadata: v102, review_status: 'approved', published_at: '', has_vector: true } } });
  const mine = meta({ version: '1.0.2', keywords: ['first'], description: 'Mine', content_hash: 'L2' });
  const history = [toMergeView(meta({ version: '1.0.1', keywords: ['first'], content_hash: 'L1' }))];
  const d = decideConflict(facts(mine, rec, { agreedVersion: '1.0.0', history }));
  assert.equal(d.kind, 'send');
  assert.deepEqual(d.kind === 'send' && [d.write?.description, d.write?.keywords], ['Mine', ['second']]);
  // Without that history the older base makes the keywords collide: what a lost agreement used to cost.
  assert.equal(decideConflict(facts(mine, rec, { agreedVersion: '1.0.0' })).kind, 'keep-both');
  // A local version equal to a server version at or before the agreed one (a revert made here) is
  // not taken as the base: judged against 1.0.0, both sides would have changed the keywords.
  const withFirst = { ...rec, versions: { ...rec.versions, '1.0.0': { version: '1.0.0', metadata: base, review_status: 'approved' as const, published_at: '', has_vector: true } } };
  const old = decideConflict(facts(mine, withFirst, { agreedVersion: '1.0.1', base: v101, history: [toMergeView(base)] }));
  assert.equal(old.kind, 'send');
});
