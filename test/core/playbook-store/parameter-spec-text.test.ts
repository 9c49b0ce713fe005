import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterSpec } from '../../../src/core/playbook-store/metadata';
import { paramSpecText, parseParamSpec } from '../../../src/core/playbook-store/parameter-spec-text';

test('NAME[:TYPE][!][=DEFAULT] reads a declaration; paramSpecText writes the line that reads back the same', () => {
  const cases: ParameterSpec[] = [
    { name: 'target', type: 'string' },
    { name: 'target', type: 'string', required: true },
    { name: 'port', type: 'integer', default: 8080 },
    { name: 'ratio', type: 'number', required: true, default: 0.5 },
    { name: 'dry', type: 'boolean', default: false },
    { name: 'zones', type: 'list', default: ['a', 'b'] },
    { name: 'tags', type: 'json', default: { env: 'prod' } },
    { name: 'greeting', type: 'string', default: 'a=b, c' },
  ];
  for (const p of cases) assert.deepEqual(parseParamSpec(paramSpecText(p), false), p, paramSpecText(p));
  assert.equal(paramSpecText({ name: 'port', type: 'integer', required: true, default: 1 }), 'port:integer!=1');
});

test('a sensitive default is never written out; bad text is a clear error naming where it came from', () => {
  assert.equal(paramSpecText({ name: 'pw', type: 'string', sensitive: true, default: 'hunter2' }), 'pw');
  assert.throws(() => parseParamSpec('db id', false, 'Parameter'), /^ValidationError: Parameter got "db id" that does not look like NAME\[:TYPE\]\[!\]\[=DEFAULT\]$/);
  assert.throws(() => parseParamSpec('port:int', false, 'Parameter'), /Parameter port: unknown type "int"/);
  assert.throws(() => parseParamSpec('port:integer=abc', false), /must be an integer, got "abc"/);
  assert.throws(() => parseParamSpec('s3cret value', true), (e: Error) => !e.message.includes('s3cret'));
});
