import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embeddingText } from '../../../src/core/local-search/document-text';
import { cachingQueryEmbedder } from '../../../src/core/local-search/query-cache';
import { normalizedScoreFusion, reciprocalRankFusion } from '../../../src/core/local-search/fusion';
import { KeywordIndex, parseQuery } from '../../../src/core/local-search/keyword-index';
import { SYNONYM_GROUPS, VOCABULARY, conceptsOf } from '../../../src/core/local-search/synonyms';
import { normalizeTerm, splitIdentifier, words } from '../../../src/core/local-search/text';
import { testPayload } from './store-contract';

test('identifiers are split the way people read them', () => {
  assert.equal(splitIdentifier('AWSConfigRemediation-EnableRDSClusterDeletionProtection'), 'AWS Config Remediation Enable RDS Cluster Deletion Protection');
  assert.equal(splitIdentifier('AWS-CreateDynamoDBBackup'), 'AWS Create Dynamo DB Backup');
  assert.deepEqual(words('EC2Rescue s3_bucket-name'), ['ec2', 'rescue', 's3', 'bucket', 'name']);
  assert.deepEqual(['snapshots', 'policies', 'patches', 'access', 'logs', 'db'].map(normalizeTerm), ['snapshot', 'policy', 'patch', 'access', 'log', 'db']);
});

test('synonyms: many names meet at one concept, phrases before words, each concept once', () => {
  const db = conceptsOf('postgres');
  assert.deepEqual(db, conceptsOf('Amazon RDS'));
  assert.deepEqual(db, conceptsOf('db'));
  assert.deepEqual(conceptsOf('shut down the Aurora cluster'), ['~stop', '~database']);
  assert.deepEqual(conceptsOf('k8s'), conceptsOf('EKS'));
  assert.deepEqual(conceptsOf('bucket bucket S3'), ['~bucket']);
  assert.deepEqual(conceptsOf('the weather is nice'), []);
  // An entry in two groups stands for both: "spin up" creates and starts.
  assert.deepEqual(conceptsOf('spin up'), ['~start', '~create']);
  assert.deepEqual(conceptsOf('nuke the orphaned disks'), ['~delete', '~unused', '~volume']);
  // The table is general vocabulary with a named source per section: no runbook names in it.
  for (const g of SYNONYM_GROUPS) for (const e of g) assert.doesNotMatch(e, /^AWS[A-Z-]|runbook/);
  for (const s of VOCABULARY) assert.ok(s.source.length > 20 && s.groups.length > 0);
});

test('keyword index: boosts the name, matches synonyms and prefixes, reports matched fields', () => {
  const idx = KeywordIndex.empty();
  idx.set(testPayload('a', { name: 'Stop RDS instances', description: 'Saves cost at night' }));
  idx.set(testPayload('b', { name: 'Tag resources', description: 'Stop paying for untagged database snapshots' }));
  idx.set(testPayload('c', { name: 'Encryption audit', description: 'Checks bucket encryption' }));
  const hits = idx.search(parseQuery('shutdown postgres'), { limit: 10 });
  assert.equal(hits[0]!.id, 'a', 'concepts in the name beat concepts in the description');
  assert.ok(Object.keys(hits[0]!.match).includes('~stop'));
  assert.equal(idx.search(parseQuery('encrypt'), { limit: 10 })[0]!.id, 'c', 'prefix: encrypt -> encryption');
  assert.deepEqual(idx.search(parseQuery('stop'), { limit: 10, allow: (id) => id !== 'a' }).map((h) => h.id), ['b']);
  idx.remove('a');
  assert.ok(!idx.search(parseQuery('stop rds'), { limit: 10 }).some((h) => h.id === 'a'));
  assert.deepEqual(parseQuery('the a of'), { terms: [], concepts: [] });
  assert.deepEqual(idx.search(parseQuery('the a of'), { limit: 10 }), []);
});

test('fusion: RRF rewards agreement; score fusion keeps confidence and handles one-item lists', () => {
  const k = [{ id: 'x', score: 10 }, { id: 'y', score: 9 }];
  const s = [{ id: 'y', score: 0.9 }, { id: 'z', score: 0.8 }];
  assert.equal(reciprocalRankFusion(k, s)[0]!.id, 'y');
  const f = normalizedScoreFusion([{ id: 'only', score: 3 }], [], 0.7);
  assert.equal(f[0]!.score, 0.7, 'a lone keyword hit is that list’s best, not its worst');
  const g = normalizedScoreFusion(k, s, 0.7);
  assert.deepEqual(g.map((x) => x.id), ['x', 'y', 'z']);
  assert.deepEqual([g[1]!.keywordRank, g[1]!.semanticRank], [2, 1]);
});

test('embedding text: split name, keywords, resource types, the opening of the description and its concepts', () => {
  const text = embeddingText({ name: 'StopRdsWeekend', keywords: ['cost'], resource_types: ['RDS'], description: 'First sentence. ' + 'x'.repeat(500) });
  assert.match(text, /^Stop Rds Weekend\. cost\. RDS\. First sentence\./);
  assert.ok(text.length < 400, 'long descriptions are cut');
  assert.match(text, /stop, database$/);
});

test('query cache: a repeated query text is embedded once (search-as-you-type)', async () => {
  const seen: string[] = [];
  const inner = {
    id: 'counting',
    dimension: async () => 2,
    preload: async () => {},
    dispose: async () => {},
    embed: async (t: readonly string[]) => {
      seen.push(...t);
      return t.map((x) => new Float32Array([x.length, 1]));
    },
  };
  const e = cachingQueryEmbedder(inner, 2);
  assert.deepEqual(Array.from((await e.embed(['stop db']))[0]!), [7, 1]);
  await e.embed(['stop db', 'stop db', 'rotate']);
  assert.deepEqual(seen, ['stop db', 'rotate']);
  const out = await e.embed(['a', 'b', 'stop db']);
  assert.deepEqual(out.map((v) => v[0]), [1, 1, 7], 'a hit evicted by this call’s own misses is still returned');
  await e.embed(['stop db']);
  assert.deepEqual(seen, ['stop db', 'rotate', 'a', 'b', 'stop db'], 'least recently used entries are evicted');
});
