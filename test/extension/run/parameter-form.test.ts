import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterSpec } from '../../../src/core/playbook-store/metadata';
import { promptOf, validateText } from '../../../src/extension/run/parameter-form';
import { runEnvironmentBase } from '../../../src/extension/run/runner-factory';

test('live validation says what the engine would refuse, in its words', () => {
  const port: ParameterSpec = { name: 'port', type: 'integer', min: 1, max: 65535, required: true };
  assert.equal(validateText(port, '8080', false), undefined);
  assert.equal(validateText(port, 'abc', false), 'Parameter "port" must be an integer, got "abc" (give a whole number such as 8080)');
  assert.equal(validateText(port, '70000', false), 'Parameter "port" must be at most 65535, got 70000');
  assert.equal(validateText(port, '', false), 'port is required: type a value');
  assert.equal(validateText(port, '', true), undefined, 'empty keeps the value the run has');
  const id: ParameterSpec = { name: 'db', type: 'string', pattern: 'db-[0-9]+' };
  assert.equal(validateText(id, 'db-7', false), undefined);
  assert.match(validateText(id, 'db-7; rm -rf /', false) ?? '', /does not match the pattern db-\[0-9\]\+/);
  assert.match(validateText({ name: 'on', type: 'boolean' }, 'yes', false) ?? '', /must be a boolean, got "yes" \(give true or false\)/);
  assert.match(validateText({ name: 'tags', type: 'json' }, '{oops', false) ?? '', /must be JSON/);
  const secret: ParameterSpec = { name: 'pw', type: 'string', sensitive: true, allowed_values: ['a'] };
  assert.ok(!(validateText(secret, 'hunter2', false) ?? '').includes('hunter2'), 'a sensitive value is never repeated');
});

test('a prompt says the type and rules; unprintable characters in a description are shown as escapes', () => {
  assert.equal(promptOf({ name: 'port', type: 'integer', required: true, min: 1, max: 9 }), 'port (integer, required, min 1, max 9)');
  assert.equal(promptOf({ name: 'pw', type: 'string', sensitive: true, description: 'the\u202e key' }), 'pw (string, hidden) — the\\u202e key');
});

test("a run's environment in VS Code leaves out the editor's own variables", () => {
  assert.deepEqual(runEnvironmentBase({ PATH: '/bin', HOME: '/h', ELECTRON_RUN_AS_NODE: '1', VSCODE_IPC_HOOK: '/x.sock', VSCODE_PID: '9', MY_VSCODE: 'kept' }), { PATH: '/bin', HOME: '/h', MY_VSCODE: 'kept' });
});
