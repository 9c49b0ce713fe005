import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlreadyExistsError, ConfigError, EscherError } from '../../../src/core/shared/errors';
import { describe, errorActions, errorMessage } from '../../../src/extension/commands/error-actions';

test('typed core errors become one line with their hint and the next action to offer', () => {
  assert.deepEqual(errorActions(new EscherError('AUTH', 'Token rejected (401)')), ['Sign In', 'Open Log']);
  assert.deepEqual(errorActions(new EscherError('NETWORK', 'connect ECONNREFUSED')), ['Retry', 'Open Log']);
  assert.deepEqual(errorActions(new ConfigError('No Escher server is configured')), ['Open Settings', 'Open Log']);
  assert.deepEqual(errorActions(new Error('boom')), ['Open Log']);
  assert.equal(errorMessage('Publish', new AlreadyExistsError('Playbook "x" already exists', { hint: 'choose another id' })), 'Publish failed: Playbook "x" already exists (choose another id)');
  // Errors from the separately bundled core are recognised by their fields, not their class.
  const foreign = Object.assign(new Error('Token rejected'), { code: 'AUTH', hint: 'run Sign In' });
  assert.equal(describe(foreign), 'Token rejected (run Sign In)');
  assert.deepEqual(errorActions(foreign), ['Sign In', 'Open Log']);
});
