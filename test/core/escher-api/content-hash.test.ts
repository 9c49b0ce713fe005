import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, contentHash } from '../../../src/core/escher-api/content-hash';
import { makeMetadata } from '../../dev-server/fixtures';

test('content_hash ignores where scripts are stored, $schema, key order and itself', () => {
  const md = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': 'echo\n' });
  const moved = { ...md, $schema: '../schema.json', content_hash: 'x', scripts: md.scripts.map((s) => ({ ...s, s3_path: 's3://escher-tenant-data/tenants/a/playbooks/rds-stop/1.0.0/shell/stop.sh' })) };
  const reordered = Object.fromEntries(Object.entries(md).reverse());
  assert.equal(contentHash(moved), md.content_hash);
  assert.equal(contentHash(reordered), md.content_hash);
});

test('content_hash changes with any script byte and any field', () => {
  const a = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': 'echo a\n' });
  const b = makeMetadata('rds-stop', '1.0.0', { 'shell/stop.sh': 'echo b\n' });
  assert.notEqual(a.content_hash, b.content_hash);
  assert.notEqual(contentHash({ ...a, description: a.description + ' ' }), a.content_hash);
  assert.notEqual(contentHash({ ...a, storage_strategy: 'uploaded_for_review' }), a.content_hash);
});

test('property: canonicalJson is key-order independent and parses back to the same value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = canonicalJson(v);
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(v)));
      const shuffled = JSON.parse(JSON.stringify(v), function (this: unknown, _k, val: unknown) {
        return val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).reverse()) : val;
      });
      assert.equal(canonicalJson(shuffled), text);
    }),
  );
});
