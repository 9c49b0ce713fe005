import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparableMetadataText } from '../../../src/core/version-compare/comparable';

test('the same content in any key order gives the same text; s3_path, content_hash and sensitive defaults are left out; script hashes stay', () => {
  const scripts = [
    { format: 'shell' as const, path: 'shell/b.sh', sha256: 'b'.repeat(64), size: 2, s3_path: 's3://x/b' },
    { format: 'shell' as const, path: 'shell/a.sh', sha256: 'a'.repeat(64), size: 1 },
  ];
  const parameters = [{ name: 'token', type: 'string' as const, sensitive: true, default: { v: 1, ct: 'sealed' } }];
  const one = comparableMetadataText({ name: 'n', content_hash: 'h', scripts, parameters } as never);
  const two = comparableMetadataText({ parameters, scripts: [...scripts].reverse(), name: 'n' } as never);
  assert.equal(one, two);
  assert.doesNotMatch(one, /s3:\/\/|sealed|content_hash/);
  assert.match(one, /"path": "shell\/a\.sh",\n {6}"sha256": "a{64}"[\s\S]*"path": "shell\/b\.sh"/);
});
