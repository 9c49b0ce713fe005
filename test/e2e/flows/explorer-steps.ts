import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { REPO } from '../harness/prerequisites';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

/** Three playbooks on two clouds, imported with the CLI into a home that does not exist yet. */
const IMPORT_YAML = `- name: Restart EC2 web tier
  description: Reboot the EC2 instances of the web tier one at a time.
  cloud_provider: aws
  resource_types: [ec2]
- name: Snapshot RDS before patching
  description: Take a manual snapshot of an RDS instance before a maintenance window.
  cloud_provider: aws
  resource_types: [rds]
- name: Scale AKS node pool
  description: Change the node count of an AKS node pool.
  cloud_provider: azure
  resource_types: [aks]
`;

/**
 * First run and the explorer: the walkthrough opens by itself, the welcome view of an empty store,
 * a CLI import into a home created after VS Code started appears without Refresh, grouping by
 * cloud → service (and the toggle), Enter opens a row, Delete asks first.
 */
export async function explorerSteps(step: Step, wb: Workbench, pane: Locator, home: string, root: string): Promise<void> {
  await step('the walkthrough opens on first run', async () => {
    const walkthrough = wb.page.locator('.gettingStartedContainer', { hasText: 'Get started with Escher Playbooks' });
    await walkthrough.waitFor({ timeout: 60_000 });
    // Nothing done yet: no step is ticked (each waits for its condition, not for a click).
    await wb.page.locator('button.getting-started-step', { hasText: 'Connect to your Escher tenant' }).first().waitFor();
    assert.equal(await walkthrough.locator('button.getting-started-step .codicon.complete').count(), 0);
    await wb.screenshot('walkthrough');
    await wb.closeActiveEditor();
    await walkthrough.waitFor({ state: 'detached' });
  });

  await step('the Welcome page lists the walkthrough with its icon', async () => {
    await wb.runCommand('Help: Welcome');
    const entry = wb.page.locator('button.getting-started-category', { hasText: 'Get started with Escher Playbooks' }).first();
    await entry.waitFor({ timeout: 30_000 });
    await entry.locator('img.category-icon').waitFor();
    // Loaded, not a broken-image placeholder: the PNG the manifest names was served.
    // (A string: it runs in the page; the tests are compiled without DOM types.)
    await wb.page.waitForFunction(`(() => { const i = [...document.querySelectorAll('button.getting-started-category img.category-icon')].find((x) => x.closest('button').textContent.includes('Escher Playbooks')); return !!i && i.complete && i.naturalWidth > 0; })()`);
    await wb.screenshot('welcome-page-icon');
    await wb.closeActiveEditor();
  });

  await step('an empty store shows the welcome view with Create Playbook', async () => {
    assert.equal(existsSync(home), false, 'the Escher home does not exist yet');
    await pane.getByText('No playbooks yet', { exact: false }).waitFor({ timeout: 60_000 });
    await pane.locator('.monaco-button', { hasText: 'Create Playbook' }).waitFor();
  });

  await step('a CLI import into a home created after start appears without Refresh', async () => {
    const yaml = path.join(root, 'import.yaml');
    await fs.writeFile(yaml, IMPORT_YAML);
    execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), '--home', home, 'import', yaml], { stdio: 'pipe' });
    await wb.treeRow(pane, 'Snapshot RDS before patching').waitFor({ timeout: 60_000 });
    assert.match(await wb.treeRowLabelled(pane, 'Local').innerText(), /3/);
  });

  await step('grouping by cloud shows AWS → service groups; the toggle groups by resource type and back', async () => {
    assert.match(await wb.treeRowLabelled(pane, 'AWS').innerText(), /AWS\s*2/);
    assert.match(await wb.treeRowLabelled(pane, 'Azure').innerText(), /Azure\s*1/);
    for (const service of ['EC2', 'RDS', 'AKS']) await wb.treeRowLabelled(pane, service).waitFor();
    await wb.runCommand('Escher: Group by Resource Type');
    await wb.treeRowLabelled(pane, 'AWS').waitFor({ state: 'detached' });
    await wb.treeRowLabelled(pane, 'AKS').waitFor();
    await wb.runCommand('Escher: Group by Cloud');
    await wb.treeRowLabelled(pane, 'AWS').waitFor();
  });

  await step('Enter on a row opens its metadata.json', async () => {
    await wb.pressOnRow(wb.treeRowLabelled(pane, 'Snapshot RDS before patching'), 'Enter');
    await wb.activeEditorTab().filter({ hasText: 'metadata.json' }).waitFor();
    await wb.page.locator('.monaco-editor .view-lines', { hasText: 'snapshot-rds-before-patching' }).first().waitFor();
    await wb.runCommand('View: Close All Editors');
  });

  await step('Delete on a row asks first: Cancel keeps it, Delete removes it', async () => {
    const row = wb.treeRowLabelled(pane, 'Scale AKS node pool');
    await wb.pressOnRow(row, 'Delete');
    await wb.dialog().filter({ hasText: 'Delete "Scale AKS node pool"' }).waitFor();
    await wb.clickDialogButton('Cancel');
    await row.waitFor();
    await wb.pressOnRow(row, 'Delete');
    await wb.clickDialogButton('Delete');
    await row.waitFor({ state: 'detached' });
    await wb.treeRowLabelled(pane, 'Azure').waitFor({ state: 'detached' });
  });
}
