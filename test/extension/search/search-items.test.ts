import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SearchHit } from '../../../src/core/local-search/hybrid-ranker';
import { explainHit, hitToItem, searchErrorMessage } from '../../../src/extension/search/search-items';
import { parseSearchInput, withFilter } from '../../../src/extension/search/search-input';

test('filter tokens are parsed out of the typed text; unknown values are errors, not guesses', () => {
  assert.deepEqual(parseSearchInput('shut down db weekend cloud:AWS format:shell'), { query: 'shut down db weekend', cloud: 'aws', format: 'shell', errors: [] });
  assert.deepEqual(parseSearchInput('area:synced rotate keys'), { query: 'rotate keys', area: 'synced', errors: [] });
  assert.deepEqual(parseSearchInput('cloud:mars  vm'), { query: 'vm', errors: ['unknown cloud "mars": use one of aws, azure, gcp, oci, multi, other (e.g. cloud:aws)'] });
  assert.deepEqual(parseSearchInput('   '), { query: '', errors: [] });
  // A half-typed token ("cloud:") is not an error yet; control characters are not echoed.
  assert.deepEqual(parseSearchInput('vm cloud:'), { query: 'vm', errors: [] });
  assert.match(parseSearchInput('area:\u001b[31m')!.errors[0]!, /^unknown area "\?\[31m"/);
});

test('the filter buttons set, replace and clear a token, keeping what was typed', () => {
  assert.equal(withFilter('stop db', 'cloud', 'aws'), 'stop db cloud:aws ');
  assert.equal(withFilter('stop db cloud:aws', 'cloud', 'gcp'), 'stop db cloud:gcp ');
  assert.equal(withFilter('stop db cloud:aws format:shell', 'cloud', undefined), 'stop db format:shell');
  assert.equal(withFilter('', 'format', 'python'), 'format:python ');
});

const hit = (over: Partial<SearchHit> = {}): SearchHit =>
  ({
    playbook_id: 'weekend-rds-shutdown',
    version: '1.0.1',
    name: 'Weekend RDS shutdown',
    area: 'synced',
    score: 0.9,
    why: { terms: [{ term: 'rds', fields: ['name', 'resource_types'] }], concepts: ['database', 'stop'], semantic_similarity: 0.623 },
    payload: { description: 'Stops non-production RDS instances on Friday evening', cloud_provider: 'aws', formats: ['shell', 'python'] },
    ...over,
  }) as SearchHit;

test('a result row shows name, id/version/area/cloud, formats and why it matched', () => {
  const item = hitToItem(hit());
  assert.equal(item.label, '$(cloud) Weekend RDS shutdown');
  assert.equal(item.description, 'weekend-rds-shutdown · v1.0.1 · Synced · aws');
  assert.match(item.detail, /Stops non-production RDS/);
  assert.match(item.detail, /\$\(terminal\) shell {2}\$\(symbol-method\) python/);
  assert.equal(explainHit(hit()), 'matched rds in name, resource types · about database, stop · meaning 0.62');
  assert.equal(explainHit(hit({ why: { terms: [], concepts: [] } })), '');
});

test('a name, description or script line holding $( shows as text, never as an icon VS Code would draw', () => {
  const item = hitToItem(
    hit({
      name: '$(check) Approved by security',
      source: 'team',
      why: { terms: [{ term: 'date', fields: ['scripts'] }], concepts: [], script_line: { path: 'shell/run.sh', line: 3, text: 'echo $(date)' } },
      payload: { description: 'Reviewed $(verified)', cloud_provider: 'aws', formats: ['shell'] },
    } as unknown as Partial<SearchHit>),
  );
  // Only our own icon leads the label; the server's "$(check)" is escaped (VS Code's `\$(`).
  assert.equal(item.label, '$(organization) \\$(check) Approved by security');
  assert.match(item.detail, /shell\/run\.sh:3: echo \\\$\(date\)/);
  assert.match(item.detail, /Reviewed \\\$\(verified\)/);
  // What the row is made of keeps the playbook's real name.
  assert.equal(item.hit.name, '$(check) Approved by security');
});

test('a missing transformers.js package for an hf: model says what to do, not "Cannot find module"', () => {
  const msg = searchErrorMessage("Cannot find module '@huggingface/transformers'", 'hf:Xenova/all-MiniLM-L6-v2');
  assert.match(msg, /does not ship/);
  assert.match(msg, /use-lite/);
  assert.equal(searchErrorMessage('index corrupt', 'use-lite'), 'Search failed: index corrupt');
});
