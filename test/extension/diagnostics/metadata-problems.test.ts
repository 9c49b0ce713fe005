import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaIssues, semanticIssues } from '../../../src/core/playbook-store/validate';
import { metadataProblems, problemSummary } from '../../../src/extension/diagnostics/metadata-problems';

const validators = { schemaIssues, semanticIssues };
const here = { playbookId: 'rotate-keys', version: '1.0.0' };

function valid(): Record<string, unknown> {
  return {
    schema_version: 1,
    playbook_id: 'rotate-keys',
    version: '1.0.0',
    name: 'Rotate keys',
    description: 'Rotate IAM access keys',
    keywords: [],
    cloud_provider: 'aws',
    resource_types: [],
    parameters: [],
    scripts: [],
    storage_strategy: 'local_only',
    source: 'user',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

test('a valid metadata.json has no problems (the fixture matches what the store writes)', () => {
  assert.deepEqual(metadataProblems(JSON.stringify(valid(), null, 2), here, validators), []);
});

test('invalid JSON: one problem at the offending character, with line and column in the message', () => {
  const text = '{\n  "name": "Rotate keys",\n  "version": ,\n}\n';
  const problems = metadataProblems(text, here, validators);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.message, 'not valid JSON: a value is expected (line 3, column 14)');
  assert.deepEqual(problems[0]!.start, { line: 2, character: 13 });
});

test('a trailing comma and a comment are JSON errors, as for the store', () => {
  assert.match(metadataProblems('{"a": 1,}', here, validators)[0]!.message, /^not valid JSON: a property name/);
  assert.match(metadataProblems('// hi\n{}', here, validators)[0]!.message, /^not valid JSON: comments are not allowed/);
  assert.match(metadataProblems('', here, validators)[0]!.message, /^not valid JSON/);
});

test('schema violations carry the core validator\'s path and message and sit on the offending value', () => {
  const m = valid();
  m.cloud_provider = 'mars';
  m.colour = 'blue';
  const text = JSON.stringify(m, null, 2);
  const problems = metadataProblems(text, here, validators);
  const cloud = problems.find((p) => p.message.startsWith('/cloud_provider'));
  assert.ok(cloud, JSON.stringify(problems));
  assert.match(cloud.message, /must be equal to one of the allowed values: aws, azure/);
  const cloudLine = text.split('\n').findIndex((l) => l.includes('"mars"'));
  assert.equal(cloud.start.line, cloudLine);
  const unknown = problems.find((p) => p.message.includes('unknown property "colour"'));
  assert.ok(unknown);
  assert.equal(unknown.start.line, text.split('\n').findIndex((l) => l.includes('"colour"')), 'on the unknown key, not the whole object');
});

test('a missing required property points at the object, rules beyond the schema at their field', () => {
  const m = valid();
  delete m.name;
  const missing = metadataProblems(JSON.stringify(m, null, 2), here, validators);
  assert.match(missing[0]!.message, /^\(root\) must have required property 'name'/);
  assert.deepEqual([missing[0]!.start, missing[0]!.end], [{ line: 0, character: 0 }, { line: 0, character: 1 }]);

  const text = JSON.stringify(valid(), null, 2);
  const moved = metadataProblems(text, { playbookId: 'other-folder', version: '1.0.0' }, validators);
  assert.equal(moved.length, 1);
  assert.equal(moved[0]!.message, 'playbook_id "rotate-keys" does not match its folder "other-folder"');
  assert.equal(moved[0]!.start.line, text.split('\n').findIndex((l) => l.includes('"playbook_id"')));
});

test('the one-line summary counts the rest', () => {
  const p = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  assert.equal(problemSummary([{ message: 'a', ...p }]), 'a');
  assert.equal(problemSummary([{ message: 'a', ...p }, { message: 'b', ...p }]), 'a (+1 more)');
});
