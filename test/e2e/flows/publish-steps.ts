import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

export interface PublishEnv {
  serverUrl: string;
  tenant: string;
  token: string;
  adminToken: string;
  playbook: string;
  /** The Escher home (its stored files are checked read-only). */
  home: string;
}

/**
 * Create from the palette (keywords, and the template's parameter declared; revealed in the tree),
 * the code lens, and the stored metadata.json opening read-only.
 */
export async function createSteps(step: Step, wb: Workbench, pane: Locator, env: PublishEnv): Promise<void> {
  await step('create a playbook from the palette: its parameter arrives declared, it is revealed and selected in the tree', async () => {
    await wb.runCommand('Escher: Create Playbook');
    await wb.answer(env.playbook, { expectPrompt: 'Name of the playbook' });
    await wb.answer('Stops non-production RDS databases on Friday evening to save cost', { expectPrompt: 'What does it do' });
    await wb.answer('cost, weekend', { expectPrompt: 'Keywords' });
    await wb.choose('AWS', { title: /Create Playbook/ });
    await wb.answer('rds', { expectPrompt: 'Resource types' });
    await wb.waitForPlaceholder('Script formats');
    await wb.page.keyboard.press('Enter'); // Shell is preselected.
    // The template's {{target}} arrives declared: continue with it.
    await wb.waitForPlaceholder('Parameters the scripts fill in');
    await wb.quickRow('{{target}}').waitFor();
    await wb.screenshot('create-parameters-step');
    await wb.choose('Continue with 1 parameter');
    await wb.notification(/Created "Weekend RDS shutdown"/).waitFor();
    await wb.treeRowLabelled(pane, env.playbook).and(pane.locator('.monaco-list-row[aria-selected="true"]')).waitFor();
    assert.match(await wb.treeRowLabelled(pane, 'Local').innerText(), /3/);
    await wb.clickNotificationButton(/Created "Weekend RDS shutdown"/, 'Keep Private');
  });

  await step('metadata.json shows the code lens, and a stored version opens read-only: typing changes nothing', async () => {
    await wb.activeEditorTab().filter({ hasText: 'metadata.json' }).waitFor();
    await wb.liveCodeLens('Upload for Review');
    await wb.codeLens('Upload Trusted').waitFor();
    await wb.codeLens(/Keep Private/).waitFor();
    const file = path.join(env.home, 'playbooks', 'local', 'weekend-rds-shutdown', 'v1.0.0', 'metadata.json');
    const before = await fs.readFile(file, 'utf8');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o444, 'read-only on disk');
    // Try to turn `"schema_version": 1,` into 2, as a user editing the stored version would.
    await wb.page.locator('.monaco-editor .view-line', { hasText: 'schema_version' }).first().click();
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('ArrowLeft');
    await wb.page.keyboard.type('2');
    // VS Code's own answer to typing there: the file is read-only through files.readonlyInclude.
    await wb.page.getByText(/Editor is read-only because the file was set read-only via settings/).first().waitFor({ timeout: 30_000 });
    assert.equal(await wb.page.locator('.monaco-editor .view-line', { hasText: '"schema_version": 1,' }).count(), 1, 'the editor still shows 1');
    await wb.page.keyboard.press('Escape');
    assert.equal(await fs.readFile(file, 'utf8'), before, 'nothing reached the disk');
    // …and the way to change it is right there, in the editor's title bar.
    await wb.page.locator('.editor-actions [aria-label="Edit as New Version"]').first().waitFor({ timeout: 30_000 });
  });
}

/** Upload for Review from the code lens of the open metadata.json: asked first, then Synced, in review. */
export async function uploadForReviewSteps(step: Step, wb: Workbench, pane: Locator, env: PublishEnv): Promise<void> {
  await step('Upload for Review from the code lens says what goes where first, then moves it to Synced, in review', async () => {
    await wb.liveCodeLens('Upload for Review');
    await wb.codeLens('Upload for Review').click();
    await wb.dialog().filter({ hasText: `Upload for Review: "${env.playbook}" v1.0.0 to tenant "${env.tenant}" at ${env.serverUrl}?` }).waitFor();
    await wb.screenshot('code-lens-upload-confirm');
    await wb.clickDialogButton('Upload for Review');
    await wb.notification(/Published "Weekend RDS shutdown".*Synced/).waitFor({ timeout: 60_000 });
    await wb.treeRowLabelled(pane, 'Synced').filter({ hasText: /(^|\D)1$/ }).waitFor();
    await wb.treeRowLabelled(pane, env.playbook).filter({ hasText: /in review/ }).waitFor({ timeout: 60_000 });
    await wb.liveCodeLens('Synced · in review');
    await wb.clearNotifications();
    await wb.screenshot('code-lens-synced');
  });
}

/**
 * A reviewer's rejection on the server notified after Sync Now (the code lens follows), the
 * walkthrough's steps ticked, the sync status as a read-only document.
 */
export async function reviewSteps(step: Step, wb: Workbench, pane: Locator, env: PublishEnv): Promise<void> {
  await step('a review rejection made on the server arrives as a notification after sync', async () => {
    const record = (await (await fetch(`${env.serverUrl}/api/playbooks/weekend-rds-shutdown`, { headers: { authorization: `Bearer ${env.token}`, 'x-escher-tenant': env.tenant } })).json()) as { versions: Record<string, unknown> };
    const version = Object.keys(record.versions).sort().at(-1);
    const res = await fetch(`${env.serverUrl}/api/playbooks/weekend-rds-shutdown/versions/${version}/review`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.adminToken}`, 'x-escher-tenant': env.tenant, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'rejected', comment: 'It stops production databases too: filter on the Environment tag.' }),
    });
    assert.equal(res.status, 200);
    await wb.runCommand('Escher: Sync Now');
    await wb.notificationShown(/A reviewer rejected "Weekend RDS shutdown" v1\.0\.1: It stops production databases too/);
    await wb.treeRowLabelled(pane, env.playbook).filter({ hasText: /rejected/ }).waitFor({ timeout: 60_000 });
    // The code lens of the open metadata.json follows the tree.
    await wb.codeLens(/Synced · rejected: It stops production databases too/).waitFor({ timeout: 30_000 });
    await wb.screenshot('review-rejected');
    await wb.clearNotifications();
  });

  await step('the walkthrough ticks Connect and Share once they are really done', async () => {
    await wb.runCommand('Welcome: Open Walkthrough');
    await wb.choose('Get started with Escher Playbooks');
    const walkthrough = wb.page.locator('.gettingStartedContainer');
    for (const title of ['Create a playbook', 'Connect to your Escher tenant', 'Share with your tenant']) {
      await walkthrough.locator('button.getting-started-step', { hasText: title }).locator('.codicon.complete').first().waitFor({ timeout: 30_000 });
    }
    await wb.closeActiveEditor();
    await walkthrough.waitFor({ state: 'detached' });
  });

  await step('Show Sync Status is a read-only document that closes without asking to save', async () => {
    await wb.runCommand('Escher: Show Sync Status');
    await wb.activeEditorTab().filter({ hasText: 'Escher Sync Status.md' }).waitFor();
    await wb.page.locator('.monaco-editor .view-lines', { hasText: 'Escher sync status' }).first().waitFor();
    await wb.runCommand('View: Close Editor');
    await wb.activeEditorTab().filter({ hasText: 'Escher Sync Status.md' }).waitFor({ state: 'detached' });
    assert.equal(await wb.dialog().count(), 0, 'no save prompt');
  });
}
