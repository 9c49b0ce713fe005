import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, ConfigError, EscherError, NetworkError } from '../../../src/core/shared/errors';
import type { Logger } from '../../../src/core/shared/logger';
import { runCommand } from '../../../src/extension/commands/run-command';
import { ScriptedUi } from '../helpers/scripted-ui';

function host() {
  const ui = new ScriptedUi();
  const logged: string[] = [];
  const log: Logger = { debug: () => {}, info: () => {}, warn: (m) => void logged.push(m), error: (m) => void logged.push(m) };
  let logShown = 0;
  return { ui, logged, host: { ui, log, showLog: () => void logShown++ }, logShown: () => logShown };
}

test('a rejected token: one line with the hint, Sign In offered and run when chosen, the stack in the log', async () => {
  const h = host();
  h.ui.messageChoices = ['Sign In…'];
  await runCommand(h.host, 'escher.publish', 'Publish', async () => {
    throw new AuthError('Escher rejected the token', 401, { hint: 'sign in again with a valid token', hintCode: 'token-rejected' });
  }, []);
  assert.deepEqual(h.ui.messages, [{ level: 'error', text: 'Publish failed: Escher rejected the token (sign in again with a valid token ("Escher: Sign In…"))' }]);
  assert.deepEqual(h.ui.offered, [['Sign In…', 'Open Log']]);
  assert.deepEqual(h.ui.commands, [{ command: 'escher.signIn', args: [] }]);
  assert.match(h.logged[0] ?? '', /^escher\.publish: AuthError: Escher rejected the token\n\s+at /);
});

test('a network failure offers Retry, which runs the command again with the same arguments', async () => {
  const h = host();
  h.ui.messageChoices = ['Retry'];
  const calls: unknown[][] = [];
  await runCommand(h.host, 'escher.syncNow', 'Sync Now', async (...args) => {
    calls.push(args);
    if (calls.length === 1) throw new NetworkError('connect ECONNREFUSED 127.0.0.1:9');
  }, [{ playbookId: 'rds-stop' }]);
  assert.deepEqual(calls, [[{ playbookId: 'rds-stop' }], [{ playbookId: 'rds-stop' }]]);
  assert.deepEqual(h.ui.offered, [['Retry', 'Open Log']]);
  assert.equal(h.ui.messages.length, 1, 'the retry succeeded: no second message');
});

test('bad configuration without a hint of its own offers Open Settings on the escher. section; anything else offers the log', async () => {
  const h = host();
  h.ui.messageChoices = ['Open Settings', 'Open Log'];
  await runCommand(h.host, 'escher.rebuildSearchIndex', 'Rebuild Search Index', async () => {
    throw new ConfigError('unknown embedding model "x"');
  }, []);
  await runCommand(h.host, 'escher.createPlaybook', 'Create Playbook', async () => {
    throw new TypeError('boom');
  }, []);
  assert.deepEqual(h.ui.commands, [{ command: 'workbench.action.openSettings', args: ['escher.'] }]);
  assert.deepEqual(h.ui.offered, [['Open Settings', 'Open Log'], ['Open Log']]);
  assert.equal(h.ui.messages[1]?.text, 'Create Playbook failed: boom');
  assert.equal(h.logShown(), 1);
});

test('a cancellation is silent: no message, nothing logged; a dismissed error runs nothing', async () => {
  const h = host();
  await runCommand(h.host, 'escher.search', 'Search', async () => {
    throw new EscherError('CANCELLED', 'embedding model was shut down');
  }, []);
  assert.deepEqual([h.ui.messages, h.logged], [[], []]);
  await runCommand(h.host, 'escher.search', 'Search', async () => {
    throw new NetworkError('timeout');
  }, []);
  assert.equal(h.ui.messages.length, 1);
  assert.deepEqual(h.ui.commands, [], 'the user closed the message: nothing else happens');
});
