import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { compileAtRuntime, generateValidatorSource } from '../../../src/core/playbook-store/validator-codegen';
import { assertValidMetadata, schemaIssues } from '../../../src/core/playbook-store/validate';

const GENERATED = path.join(__dirname, '..', '..', '..', 'src', 'core', 'playbook-store', 'metadata-validator.generated.ts');

const valid = {
  schema_version: 1,
  playbook_id: 'weekend-rds-shutdown',
  version: '1.2.0',
  name: 'Weekend RDS shutdown',
  description: 'Stops RDS.',
  keywords: ['rds'],
  cloud_provider: 'aws',
  resource_types: ['rds'],
  storage_strategy: 'local_only',
  scripts: [{ format: 'shell', path: 'shell/stop.sh', sha256: 'a'.repeat(64), size: 10 }],
  parameters: [{ name: 'pw', type: 'string', sensitive: true, default: { $enc: 'aes-256-gcm/v1', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==', ct: 'AA==' } }],
  source: 'user',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00.123Z',
};

test('the precompiled validator is generated from the current schema', () => {
  assert.equal(readFileSync(GENERATED, 'utf8'), generateValidatorSource(), 'stale: run `node --import tsx scripts/gen-metadata-validator.ts`');
});

test('precompiled and run-time compiled validators agree on valid and invalid documents', () => {
  const runtime = compileAtRuntime();
  const variants: Array<[string, unknown]> = [
    ['valid', valid],
    ['missing name', { ...valid, name: undefined }],
    ['extra field', { ...valid, extra: 1 }],
    ['bad cloud', { ...valid, cloud_provider: 'mars' }],
    ['bad date', { ...valid, created_at: 'yesterday' }],
    ['bad sha', { ...valid, scripts: [{ ...valid.scripts[0], sha256: 'xyz' }] }],
    ['sensitive default in clear', { ...valid, parameters: [{ name: 'pw', type: 'string', sensitive: true, default: 'hunter2' }] }],
    ['build metadata in version', { ...valid, version: '1.0.0+x' }],
    ['schema_version 2', { ...valid, schema_version: 2 }],
    ['script outside format folders', { ...valid, scripts: [{ ...valid.scripts[0], path: '../x' }] }],
  ];
  for (const [what, doc] of variants) {
    const doc2 = JSON.parse(JSON.stringify(doc)) as unknown;
    // Each invalid variant really is invalid (agreeing on "valid" for both would prove nothing).
    assert.equal(schemaIssues(doc2).length === 0, what === 'valid', `${what}: ${JSON.stringify(schemaIssues(doc2))}`);
    assert.equal(runtime(doc2), what === 'valid', `run-time validator on ${what}`);
  }
  assert.deepEqual(schemaIssues(valid), []);
});

test('semantic checks: format folder, duplicates, folder names', () => {
  assert.throws(() => assertValidMetadata({ ...valid, scripts: [{ ...valid.scripts[0], format: 'python' }] }, 'x'), /not in the "python\/" folder/);
  assert.throws(() => assertValidMetadata({ ...valid, scripts: [valid.scripts[0], valid.scripts[0]] }, 'x'), /listed twice/);
  assert.throws(() => assertValidMetadata(valid, 'x', { playbookId: 'other' }), /does not match its folder "other"/);
  assert.throws(() => assertValidMetadata(valid, 'x', { version: '1.0.0' }), /does not match its folder "v1.0.0"/);
  assert.throws(() => assertValidMetadata({ ...valid, cloud_provider: 'mars' }, 'the file'), /Invalid metadata in the file: \/cloud_provider must be equal to one of the allowed values/);
});

test('script paths must make one folder on Linux, macOS and Windows: no case-only twins, no file beside a folder of its name, no reserved or trailing-dot names', () => {
  const withPaths = (...paths: string[]) => ({ ...valid, scripts: paths.map((p) => ({ ...valid.scripts[0], format: p.split('/')[0], path: p })) });
  const refused: Array<[string[], RegExp]> = [
    [['shell/a', 'shell/a/b.sh'], /script "shell\/a" is also a folder of "shell\/a\/b.sh"/],
    [['shell/x/y/z.sh', 'shell/x/y'], /script "shell\/x\/y" is also a folder of "shell\/x\/y\/z.sh"/],
    [['shell/Stop.sh', 'shell/stop.sh'], /"shell\/Stop.sh" and "shell\/stop.sh" differ only in case/],
    [['shell/A', 'shell/a/b.sh'], /script "shell\/A" is also a folder of "shell\/a\/b.sh"/],
    [['shell/con.sh'], /reserved device name on Windows/],
    [['shell/LPT1'], /reserved device name on Windows/],
    [['shell/stop.'], /ends with a dot or space/],
  ];
  for (const [paths, message] of refused) assert.throws(() => assertValidMetadata(withPaths(...paths), 'x'), message, paths.join(' + '));
  // Near misses that are fine everywhere.
  for (const paths of [['shell/a.sh', 'shell/a/b.sh'], ['shell/ab', 'shell/a/b.sh'], ['shell/stop.sh', 'python/stop.sh'], ['shell/console.sh']]) {
    assert.doesNotThrow(() => assertValidMetadata(withPaths(...paths), 'x'), paths.join(' + '));
  }
});
