import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signInCommand, signOutCommand } from '../../../src/extension/commands/auth';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { ScriptedUi } from '../helpers/scripted-ui';

test('Sign In keeps the trimmed token in secret storage and names the server', async () => {
  const ui = new ScriptedUi(['  tok-123  ']);
  const secrets = new MemorySecrets();
  assert.equal(await signInCommand(ui, secrets, 'https://escher.example.com'), true);
  assert.equal(secrets.values.get('escher.token'), 'tok-123');
  assert.deepEqual(ui.messages, [{ level: 'info', text: 'Signed in to https://escher.example.com.' }]);
});

test('Sign In refuses an empty token or one with spaces in the box; Escape stores nothing', async () => {
  const secrets = new MemorySecrets();
  for (const [typed, why] of [['   ', 'The token is empty'], ['two words', 'A token has no spaces']] as const) {
    const ui = new ScriptedUi([typed]);
    await assert.rejects(signInCommand(ui, secrets, 'https://escher.example.com'), /rejected/);
    assert.deepEqual(ui.validation, [why]);
  }
  const ui = new ScriptedUi([undefined]);
  assert.equal(await signInCommand(ui, secrets, 'https://escher.example.com'), false);
  assert.deepEqual([secrets.values.size, ui.messages], [0, []]);
});

test('Sign In without a server asks for one first and can open the settings', async () => {
  const ui = new ScriptedUi();
  ui.messageChoices = ['Open Settings'];
  assert.equal(await signInCommand(ui, new MemorySecrets(), ''), false);
  assert.match(ui.messages[0]?.text ?? '', /Set escher\.server\.url/);
  assert.deepEqual(ui.commands, [{ command: 'workbench.action.openSettings', args: ['escher.server'] }]);
});

test('Sign Out removes the token only after the confirmation', async () => {
  const secrets = new MemorySecrets({ 'escher.token': 'tok' });
  assert.equal(await signOutCommand(new ScriptedUi([false]), secrets), false);
  assert.equal(secrets.values.get('escher.token'), 'tok');
  const ui = new ScriptedUi([true]);
  assert.equal(await signOutCommand(ui, secrets), true);
  assert.equal(secrets.values.has('escher.token'), false);
  assert.deepEqual(ui.messages, [{ level: 'info', text: 'Signed out of Escher.' }]);
});
