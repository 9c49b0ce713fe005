import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUNDLE_FORMAT, specsOf, specToInput } from '../../../src/core/playbook-store/bundle';
import { ValidationError } from '../../../src/core/shared/errors';

test('AWS SSM runbook entries import as they are: types mapped, (Required) honoured, cloud inferred', () => {
  const input = specToInput({
    name: 'AWS-RestartEC2Instance',
    description: 'Restart one or more EC2 instances.',
    parameters: [
      { name: 'InstanceId', type: 'StringList', description: '(Required) IDs of the instances.' },
      { name: 'AutomationAssumeRole', type: 'String', description: '(Optional) The ARN of the role.' },
      { name: 'Force', type: 'Boolean' },
      { name: 'Retries', type: 'Integer' },
      { name: 'Tags', type: 'MapList' },
      { name: 'Every', type: 'Interval' },
    ],
  });
  assert.equal(input.cloud_provider, 'aws');
  assert.deepEqual(input.scripts, []);
  assert.deepEqual(
    input.parameters!.map((p) => [p.name, p.type, p.required]),
    [
      ['InstanceId', 'list', true],
      ['AutomationAssumeRole', 'string', false],
      ['Force', 'boolean', undefined],
      ['Retries', 'integer', undefined],
      ['Tags', 'json', undefined],
      ['Every', 'string', undefined],
    ],
  );
  assert.equal(specToInput({ name: 'Nightly backup' }).cloud_provider, 'other');
  assert.equal(specToInput({ name: 'Nightly backup' }, { cloud_provider: 'gcp' }).cloud_provider, 'gcp');
  assert.equal(specToInput({ name: 'AWS-X', cloud_provider: 'azure' }).cloud_provider, 'azure', 'an explicit cloud wins over the name');
});

test('script specs: text, base64, and sealed envelopes', () => {
  const env = { $enc: 'aes-256-gcm/v1' as const, iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==', ct: 'AA==' };
  const input = specToInput({
    name: 'x',
    scripts: { 'shell/a.sh': 'echo a\n', 'python/b.bin': { base64: Buffer.from([0, 1, 2]).toString('base64') }, 'shell/s.sh': { encrypted: env, sensitive: true }, 'shell/t.sh': { content: 't', sensitive: true } },
  });
  assert.deepEqual(
    input.scripts!.map((s) => [s.path, typeof s.content === 'string' ? s.content : Buffer.from(s.content).toString('hex'), s.sensitive ?? false, s.encrypted !== undefined]),
    [
      ['shell/a.sh', 'echo a\n', false, false],
      ['python/b.bin', '000102', false, false],
      ['shell/s.sh', '', true, true],
      ['shell/t.sh', 't', true, false],
    ],
  );
  assert.throws(() => specToInput({ name: 'x', scripts: { 'shell/a.sh': { encrypted: { $enc: 'rot13' } } } }), /not an aes-256-gcm\/v1 envelope/);
  assert.throws(() => specToInput({ name: 'x', scripts: { 'shell/a.sh': {} } }), /has no content/);
});

test('bad specs are ValidationErrors naming the field; documents are lists or bundles', () => {
  for (const [spec, re] of [
    [null, /must be an object/],
    [[], /must be an object/],
    [{}, /"name" is required/],
    [{ name: '  ' }, /"name" is required/],
    [{ name: 'x', keywords: [1] }, /"keywords" must be a list of strings/],
    [{ name: 'x', storage_strategy: 'public' }, /"storage_strategy" must be one of/],
    [{ name: 'x', source: 'me' }, /"source" must be one of/],
  ] as const) {
    assert.throws(() => specToInput(spec), (e: unknown) => e instanceof ValidationError && re.test(e.message), JSON.stringify(spec));
  }
  assert.deepEqual(specToInput({ name: 'x', keywords: 'a, b,a' }).keywords, ['a', 'b'], 'a comma string is split and de-duplicated');
  assert.deepEqual(specToInput({ name: 'x', keywords: ['a', 'a'] }).keywords, ['a']);
  assert.deepEqual(specsOf([1, 2]), [1, 2]);
  assert.deepEqual(specsOf({ format: BUNDLE_FORMAT, playbooks: [{ name: 'x' }] }), [{ name: 'x' }]);
  assert.throws(() => specsOf({ playbooks: [] }), /list of playbook specs or an escher-playbook bundle/);
  assert.equal(specToInput({ name: 'x', source: 'ai_generated' }).area, 'ai-generated', 'AI-generated specs land in the review area');
});
