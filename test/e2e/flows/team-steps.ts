import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { REPO } from '../harness/prerequisites';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

export interface TeamEnv {
  serverUrl: string;
  tenant: string;
  /** The window's own token (an author). */
  token: string;
  /** Another author of the tenant: the teammate's home publishes with it. */
  teammateToken: string;
  /** A reviewer of the tenant (not the author of what it approves). */
  reviewerToken: string;
  /** The window's Escher home. */
  home: string;
  root: string;
}

const TEAM_PLAYBOOK = 'Rotate IAM keys';
const OWN_PLAYBOOK = 'Nightly EBS snapshot';

function cli(home: string, token: string, env: TeamEnv, ...args: string[]): void {
  execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), '--home', home, ...args], {
    stdio: 'pipe',
    env: { ...process.env, ESCHER_SERVER_URL: env.serverUrl, ESCHER_TENANT_ID: env.tenant, ESCHER_TOKEN: token },
  });
}

/**
 * Issue 13 in the window: a teammate's playbook (published from a second home with the CLI)
 * appears in the Team section after sync; search finds it with a Team badge; Clone to Local copies
 * it (its pending review asks for a reason first); the Review Queue approves the window's user's
 * upload with a reviewer token, and after sync the author's tree shows it approved.
 */
export async function teamSteps(step: Step, wb: Workbench, pane: Locator, env: TeamEnv): Promise<void> {
  await step("the Team section shows a teammate's playbook, published from a second home with the CLI, after Sync Now", async () => {
    const teammate = path.join(env.root, 'teammate-home');
    const script = path.join(env.root, 'rotate-keys.sh');
    await fs.writeFile(script, '#!/usr/bin/env bash\naws iam list-access-keys --user-name "{{user}}"\n');
    cli(teammate, env.teammateToken, env, 'create', '--name', TEAM_PLAYBOOK, '--description', 'Rotates the access keys of IAM users', '--cloud', 'aws', '--resource-types', 'iam', '--script', `shell=${script}`, '--param', 'user:string!');
    cli(teammate, env.teammateToken, env, 'publish', 'rotate-iam-keys', '--review');
    await wb.runCommand('Escher: Sync Now');
    // The sections sit below the store's areas: a flat list, and those closed, keep every row
    // these steps look for on screen (a tree only draws the rows in view).
    await wb.runCommand('Escher: Show as List');
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label^="Collapse All"]').click();
    const team = wb.treeRowLabelled(pane, 'Team');
    await team.filter({ hasText: /(^|\D)1$/ }).waitFor({ timeout: 60_000 });
    await wb.treeRowLabelled(pane, 'Escher Library').filter({ hasText: /(^|\D)1$/ }).waitFor();
    const row = wb.treeRowLabelled(pane, TEAM_PLAYBOOK);
    if (!(await row.isVisible())) await wb.clickRow(team, row);
    await row.filter({ hasText: /v1\.0\.1 · in review/ }).waitFor();
    await wb.screenshot('team-section');
  });

  await step('search finds it with a Team badge; Clone to Local asks a reason for its pending review, then copies it', async () => {
    await wb.runCommand('Escher: Search Playbooks');
    await wb.quickInputBox.fill('rotate the access keys of iam users');
    const hit = wb.quickRow(TEAM_PLAYBOOK).filter({ hasText: /Team, in review/ });
    await hit.waitFor({ timeout: 90_000 });
    assert.match(await hit.innerText(), /rotate-iam-keys · v1\.0\.1 · Team, in review/);
    await wb.screenshot('search-team-badge');
    await wb.choose(TEAM_PLAYBOOK);
    await wb.choose('Clone to Local', { title: TEAM_PLAYBOOK });
    await wb.quickInput.filter({ hasText: 'Id of your copy' }).waitFor();
    assert.equal(await wb.quickInputBox.inputValue(), 'rotate-iam-keys-copy');
    await wb.page.keyboard.press('Enter');
    await wb.clickNotificationButton(/rotate-iam-keys.*pending review/, 'Use Anyway…');
    await wb.answer('trying it on the staging account', { expectPrompt: 'Why use it before a reviewer approved it' });
    await wb.notification(/Cloned "Rotate IAM keys" v1\.0\.1 to Local/).waitFor({ timeout: 60_000 });
    const copied = path.join(env.home, 'playbooks', 'local', 'rotate-iam-keys-copy', 'v1.0.0', 'shell', 'rotate-keys.sh');
    assert.match(await fs.readFile(copied, 'utf8'), /aws iam list-access-keys/);
    await wb.clearNotifications();
  });

  await step("the Review Queue compares the author's upload and approves it; after Sync Now the author is told and the tree shows it approved", async () => {
    // The window's user publishes a new playbook for review (with the CLI, into the window's home).
    // How many Synced holds now (earlier steps publish too): the new one makes it one more.
    const synced = wb.treeRowLabelled(pane, 'Synced');
    const before = Number(/(\d+)\s*$/.exec(await synced.innerText())?.[1]);
    assert.ok(Number.isInteger(before), 'the Synced row shows its count');
    const script = path.join(env.root, 'snapshot.sh');
    await fs.writeFile(script, '#!/usr/bin/env bash\naws ec2 create-snapshot --volume-id "{{volume}}"\n');
    cli(env.home, env.token, env, 'create', '--name', OWN_PLAYBOOK, '--description', 'Snapshots the EBS volumes every night', '--cloud', 'aws', '--resource-types', 'ebs', '--script', `shell=${script}`, '--param', 'volume:string!');
    cli(env.home, env.token, env, 'publish', 'nightly-ebs-snapshot', '--review');
    await wb.runCommand('Escher: Sync Now');
    // Synced (closed above) lists it once the store reported it: open it then.
    await synced.filter({ hasText: new RegExp(`(^|\\D)${before + 1}$`) }).waitFor({ timeout: 60_000 });
    const row = wb.treeRowLabelled(pane, OWN_PLAYBOOK);
    if (!(await row.isVisible())) await wb.clickRow(synced, row);
    await row.filter({ hasText: /in review/ }).waitFor({ timeout: 60_000 });

    await wb.runCommand('Escher: Sign In as Reviewer');
    await wb.answer(env.reviewerToken, { expectPrompt: 'reviewer token' });
    await wb.notification(/Signed in as a reviewer/).waitFor({ timeout: 60_000 });
    const queue = wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: /Review Queue/i }) });
    await queue.waitFor({ state: 'visible', timeout: 60_000 });
    const item = queue.locator('.monaco-list-row', { hasText: /Nightly EBS snapshot.*v1\.0\.1/ }).first();
    await item.waitFor({ timeout: 60_000 });
    await queue.locator('.monaco-list-row', { hasText: TEAM_PLAYBOOK }).first().waitFor();
    await wb.screenshot('review-queue');
    // A first upload: compared with nothing approved, metadata.json and the script in the diff editor.
    // The queue's rows are drawn again when a sync or the queue's refresh lands: a click can hit
    // the row being replaced and do nothing. So each row action is asked again (once) when what
    // it opens has not come, as clickRow does for rows.
    const rowAction = async (label: string, opens: Locator, what: string) => {
      const click = async () => {
        await item.hover();
        await item.locator(`.action-label[aria-label^="${label}"]`).click();
      };
      await click();
      try {
        await opens.waitFor({ timeout: 15_000 });
      } catch {
        wb.clickRetries.push(what);
        await wb.page.mouse.move(0, 0);
        await click();
        await opens.waitFor({ timeout: 60_000 });
      }
    };
    await rowAction('Compare with Last Approved', wb.page.locator('.monaco-diff-editor').first(), 'Compare with Last Approved on a Review Queue row');
    await wb.page.locator('.tabs-container .tab', { hasText: 'shell/snapshot.sh (nothing approved ↔ v1.0.1 pending)' }).first().waitFor({ timeout: 60_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'metadata.json (nothing approved ↔ v1.0.1 pending)' }).first().waitFor();
    await wb.screenshot('review-compare');
    await rowAction('Approve', wb.page.locator('.quick-input-widget', { hasText: 'A comment for the author' }), 'Approve on a Review Queue row');
    await wb.answer('Looks right', { expectPrompt: 'A comment for the author' });
    await wb.notification(/Approved "Nightly EBS snapshot" v1\.0\.1/).waitFor({ timeout: 60_000 });
    await item.waitFor({ state: 'detached', timeout: 60_000 });

    // The author is told once, by whichever sync sees the decision first: a background sync the
    // approval's own writes started, or Sync Now. So the notification center (which keeps toasts
    // that faded) is read, not only a fresh toast.
    await wb.runCommand('Escher: Sync Now');
    await wb.runCommand('Notifications: Show Notifications');
    await wb.notification(/A reviewer approved "Nightly EBS snapshot" v1\.0\.1: your tenant can use it now/).waitFor({ timeout: 60_000 });
    await wb.clearNotifications();
    await row.filter({ hasNotText: /in review|rejected/ }).waitFor({ timeout: 60_000 });
    await wb.hoverRow(row, wb.page.locator('.monaco-hover', { hasText: 'Synced and usable by your tenant' }).first());
    await wb.screenshot('review-approved');
    await wb.clearNotifications();
  });
}
