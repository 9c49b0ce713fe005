import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

export interface ConnectEnv {
  serverUrl: string;
  tenant: string;
  token: string;
  userDataDir: string;
}

async function userSettings(userDataDir: string): Promise<string> {
  return fs.readFile(path.join(userDataDir, 'User', 'settings.json'), 'utf8');
}

/** Connect to Escher…: a wrong token is named and nothing is saved; the right values connect and sync. */
export async function connectSteps(step: Step, wb: Workbench, env: ConnectEnv): Promise<void> {
  await step('connect with a wrong token: the exact reason, nothing saved, Sign In still offered', async () => {
    await wb.runCommand('Escher: Connect to Escher');
    await wb.answer(env.serverUrl, { expectPrompt: 'Escher server URL' });
    await wb.answer(env.tenant, { expectPrompt: 'Tenant id' });
    await wb.quickInput.filter({ hasText: 'Connect to Escher' }).filter({ hasText: '3/3' }).waitFor();
    assert.equal(await wb.quickInputBox.getAttribute('type'), 'password');
    await wb.screenshot('connect-token-step');
    await wb.answer('not-the-token');
    await wb.notificationShown(/Not connected: the server rejected the token/);
    await wb.screenshot('connect-wrong-token');
    const saved = await userSettings(env.userDataDir);
    assert.doesNotMatch(saved, /escher\.server\.url|not-the-token/, 'nothing was saved');
    assert.equal(await wb.paletteHasCommand('Escher: Sign In'), true, 'Sign In is still offered');
    await wb.clearNotifications();
  });

  await step('connect with the right values: connected, URL and tenant in the user settings, the status bar synced', async () => {
    await wb.runCommand('Escher: Connect to Escher');
    await wb.answer(env.serverUrl, { expectPrompt: 'Escher server URL' });
    await wb.answer(env.tenant, { expectPrompt: 'Tenant id' });
    await wb.answer(env.token, { expectPrompt: 'Escher token' });
    await wb.notification(/Connected to .* as tenant "acme"/).waitFor({ timeout: 60_000 });
    await wb.statusBarItem(/Escher: synced/).waitFor({ timeout: 60_000 });
    const saved = JSON.parse(await userSettings(env.userDataDir)) as Record<string, unknown>;
    assert.deepEqual([saved['escher.server.url'], saved['escher.tenantId']], [env.serverUrl, env.tenant]);
    assert.doesNotMatch(JSON.stringify(saved), new RegExp(env.token), 'the token never lands in settings.json');
    assert.equal(await wb.paletteHasCommand('Escher: Sign In'), false, 'connected: Sign In is no longer offered');
    await wb.clearNotifications();
  });
}
