import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyConnection } from '../../../src/core/escher-api/verify-connection';
import { silentLogger } from '../../../src/core/shared/logger';
import { signOutCommand } from '../../../src/extension/commands/auth';
import { type ConnectionHost, connectFlow, signInFlow, urlProblem } from '../../../src/extension/commands/connect';
import { OTHER_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { type Answer, ScriptedUi } from '../helpers/scripted-ui';

/** The container's side of Connect over the real core check, with the settings in effect given. */
function connectHost(answers: Answer[], current = { serverUrl: '', tenantId: '' }) {
  const ui = new ScriptedUi(answers);
  const secrets = new MemorySecrets();
  let connected = 0;
  const host: ConnectionHost = { ui, secrets, log: silentLogger, current: () => current, verify: (i) => verifyConnection(i), connected: async () => void connected++ };
  return { ui, secrets, host, connected: () => connected };
}

test('the right URL, tenant and token: one check, the URL and tenant saved as user settings, the token in secret storage, then "connected"', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const c = connectHost([`${s.url}/`, TEST_TENANT, ` ${TEST_TOKEN} `]);
  s.server.resetRequests();
  assert.equal(await connectFlow(c.host), true);
  assert.deepEqual((await s.requestsAtLeast(1)).map((r) => `${r.method} ${r.path}`), ['GET /api/session']);
  assert.deepEqual(c.ui.settingsWritten, [{ 'server.url': s.url, tenantId: TEST_TENANT }]);
  assert.equal(c.secrets.values.get('escher.token'), TEST_TOKEN);
  assert.equal(c.connected(), 1);
  assert.deepEqual(c.ui.messages, [{ level: 'info', text: `Connected to ${s.url} as tenant "${TEST_TENANT}".` }]);
  assert.deepEqual(c.ui.progress, [`Checking ${s.url} for tenant "${TEST_TENANT}"…`]);
});

test('a wrong token: the exact reason, nothing saved, nothing says connected; Try Again asks only what was wrong', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  // Wrong token, then Try Again: URL and tenant come back filled in (Enter keeps them), the token box is empty.
  const c = connectHost([s.url, TEST_TENANT, 'not-the-token', s.url, TEST_TENANT, TEST_TOKEN]);
  c.ui.messageChoices = ['Try Again'];
  assert.equal(await connectFlow(c.host), true);
  assert.deepEqual(c.ui.messages[0], { level: 'error', text: 'Not connected: the server rejected the token. Paste a valid one.' });
  assert.deepEqual(c.ui.offered[0], ['Try Again']);
  assert.equal(c.ui.messages.filter((m) => /Connected/.test(m.text)).length, 1, 'only the second, right attempt says connected');
  assert.equal(c.connected(), 1);
  assert.equal(c.secrets.values.get('escher.token'), TEST_TOKEN);

  const dismissed = connectHost([s.url, TEST_TENANT, 'not-the-token']);
  assert.equal(await connectFlow(dismissed.host), false);
  assert.deepEqual([dismissed.secrets.values.size, dismissed.ui.settingsWritten, dismissed.connected()], [0, [], 0]);
});

test('each wrong input is named in the message: unknown tenant, token of another tenant, nothing there, http off this machine', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const cases: Array<[Answer[], RegExp]> = [
    [[s.url, 'nobody', TEST_TOKEN], /token is not valid for tenant "nobody": the tenant does not exist, or the token belongs to another one/],
    [[s.url, TEST_TENANT, OTHER_TOKEN], /token is not valid for tenant "acme"/],
    [['http://127.0.0.1:9', TEST_TENANT, TEST_TOKEN], /nothing answers at http:\/\/127\.0\.0\.1:9/],
  ];
  for (const [answers, reason] of cases) {
    const c = connectHost(answers);
    assert.equal(await connectFlow(c.host), false);
    assert.match(c.ui.messages[0]?.text ?? '', reason);
    assert.equal(c.secrets.values.size, 0);
  }
  // Plain http to another machine is refused in the URL box itself, before any request.
  assert.match(urlProblem('http://escher.example.com') ?? '', /plain http on a non-loopback host \(use an https:\/\//);
  assert.equal(urlProblem('https://escher.example.com'), undefined);
  assert.equal(urlProblem(`${s.url}`), undefined, 'http on this machine is fine');
  const typo = connectHost(['http://escher.example.com']);
  await assert.rejects(connectFlow(typo.host), /rejected: Server URL http:\/\/escher\.example\.com uses plain http/);
});

test('Sign In with a server and tenant in effect asks only the token; without them it is the whole Connect', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const known = connectHost([TEST_TOKEN], { serverUrl: s.url, tenantId: TEST_TENANT });
  assert.equal(await signInFlow(known.host), true);
  assert.deepEqual(known.ui.prompts, [`input: Sign In to ${s.url} Escher token for tenant "${TEST_TENANT}". It is kept in VS Code's secret storage, never in settings.`]);
  assert.deepEqual(known.ui.settingsWritten, [], 'nothing to change: the settings in effect already say it');
  const fresh = connectHost([s.url, TEST_TENANT, TEST_TOKEN]);
  assert.equal(await signInFlow(fresh.host), true);
  assert.equal(fresh.ui.prompts.length, 3);
  // Escape at any step stores nothing and says nothing.
  const escaped = connectHost([s.url, undefined]);
  assert.equal(await connectFlow(escaped.host), false);
  assert.deepEqual([escaped.ui.messages, escaped.secrets.values.size], [[], 0]);
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
