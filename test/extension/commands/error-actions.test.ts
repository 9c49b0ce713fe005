import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlreadyExistsError, AuthError, ConfigError, EscherError, NetworkError, NotFoundError } from '../../../src/core/shared/errors';
import { HINT_CODES } from '../../../src/core/shared/hint-codes';
import { describe, errorActions, errorMessage } from '../../../src/extension/commands/error-actions';
import { EXTENSION_HINTS } from '../../../src/extension/hints';

const labels = (e: unknown) => errorActions(e).map((a) => a.label);

test('typed core errors become one line with their hint and the next action to offer', () => {
  assert.deepEqual(labels(new EscherError('AUTH', 'Token rejected (401)')), ['Sign In…', 'Open Log']);
  assert.deepEqual(labels(new EscherError('NETWORK', 'connect ECONNREFUSED')), ['Retry', 'Open Log']);
  assert.deepEqual(labels(new ConfigError('escher.home is not a folder')), ['Open Settings', 'Open Log']);
  assert.deepEqual(labels(new Error('boom')), ['Open Log']);
  assert.equal(errorMessage('Publish', new AlreadyExistsError('Playbook "x" already exists', { hint: 'choose another id' })), 'Publish failed: Playbook "x" already exists (choose another id)');
  // Errors from the separately bundled core are recognised by their fields, not their class.
  const foreign = Object.assign(new Error('Token rejected'), { code: 'AUTH', hintCode: 'token-rejected', hint: 'sign in again with a valid token' });
  assert.equal(describe(foreign), 'Token rejected (sign in again with a valid token ("Escher: Sign In…"))');
  assert.deepEqual(labels(foreign), ['Sign In…', 'Open Log']);
});

test('a hint code is worded in VS Code terms with its own button, whatever the core wrote for the CLI', () => {
  const rejected = new AuthError('changes feed: the server rejected the token (401)', 401, { hint: 'sign in again with a valid token', hintCode: 'token-rejected' });
  assert.equal(describe(rejected), 'changes feed: the server rejected the token (401) (sign in again with a valid token ("Escher: Sign In…"))');
  const noServer = new ConfigError('No Escher server is configured', { hintCode: 'server-not-configured' });
  assert.deepEqual(errorActions(noServer)[0], { kind: 'command', label: 'Connect…', command: 'escher.connect' });
  const unreachable = new NetworkError('health check: request failed (ECONNREFUSED)', { hintCode: 'server-unreachable' });
  assert.deepEqual(labels(unreachable), ['Connect…', 'Retry', 'Open Log']);
  const damaged = new NotFoundError('Playbook "x" has no versions', { hintCode: 'store-needs-check' });
  assert.deepEqual(errorActions(damaged)[0], { kind: 'command', label: 'Check Store', command: 'escher.checkStore' });
  assert.match(describe(new ConfigError('too big', { hintCode: 'cache-too-small' })), /raise escher\.cache\.maxSizeMb/);
});

test('every hint code has VS Code words, and none names a CLI command, a flag or an environment variable', () => {
  assert.deepEqual(Object.keys(EXTENSION_HINTS).sort(), [...HINT_CODES].sort());
  for (const [code, h] of Object.entries(EXTENSION_HINTS)) {
    assert.doesNotMatch(h.text, /escher-playbook|\bESCHER_[A-Z]|\$ESCHER|(^|\s)--[a-z]|NODE_EXTRA/, code);
    // Our commands, or the two of VS Code's a hint opens (the Settings editor, the Problems panel).
    if (h.action) assert.match(h.action.command, /^(escher\.|workbench\.action\.openSettings$|workbench\.actions\.view\.problems$)/, code);
  }
});
