import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../harness/prerequisites';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

/** The 175 real AWS runbooks (never copied into the repository); undefined when ../shared/data is absent. */
export const RUNBOOKS = [path.resolve(REPO, '..', 'shared', 'data', 'aws-runbooks.json'), '/work/shared/data/aws-runbooks.json'].find((f) => existsSync(f));

/** Hundreds of rows: grouped by cloud → service, full names, a Markdown tooltip, search over them. */
export async function atScaleSteps(step: Step, wb: Workbench, home: string): Promise<void> {
  const pane = await wb.openEscherView();
  await step('175 runbooks group under AWS into services, full names on the rows', async () => {
    execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), '--home', home, 'import', RUNBOOKS as string], { stdio: 'pipe' });
    // The import lands in bursts: the tree follows until all 175 are listed.
    await wb.treeRowLabelled(pane, 'AWS').filter({ hasText: /(^|\D)175$/ }).waitFor({ timeout: 90_000 });
    const ec2 = wb.treeRowLabelled(pane, 'EC2');
    assert.equal(await ec2.getAttribute('aria-expanded'), 'false', 'hundreds of playbooks: service groups start closed');
    await ec2.click();
    const row = wb.treeRowLabelled(pane, 'AWS-RestartEC2Instance');
    await row.waitFor();
    // No "v1.0.0 · private" repeated on every row: the full name is the row.
    assert.equal((await row.innerText()).trim(), 'AWS-RestartEC2Instance');
    await wb.hoverRow(row, wb.page.locator('.monaco-hover', { hasText: 'aws-restart-ec2-instance' }));
    await wb.screenshot('tree-at-scale');
  });

  await step('search over the 175 runbooks', async () => {
    // Index first, so the screenshot shows ranked results rather than the first moments of indexing.
    await wb.runCommand('Escher: Rebuild Search Index');
    await wb.notification(/Search index rebuilt: 175 playbooks indexed/).waitFor({ timeout: 180_000 });
    await wb.clearNotifications();
    await wb.runCommand('Escher: Search Playbooks');
    await wb.quickInputBox.fill('restart an instance that stopped responding');
    await wb.quickRow('AWS-RestartEC2Instance').waitFor({ timeout: 120_000 });
    await wb.screenshot('search-at-scale');
    await wb.closeQuickInput();
  });
}
