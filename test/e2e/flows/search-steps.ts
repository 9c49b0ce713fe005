import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { LIBRARY_PLAYBOOK } from '../harness/fixtures';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

/** Search by meaning, resolve a library script, and a hand-broken metadata.json. */
export async function searchAndFileSteps(step: Step, wb: Workbench, pane: Locator, home: string, playbook: string): Promise<void> {
  await step('the search quick pick finds it by meaning as you type', async () => {
    await wb.runCommand('Escher: Search Playbooks');
    await wb.quickInputBox.fill('turn off the database on friday night');
    const hit = wb.quickRow(playbook);
    await hit.waitFor({ timeout: 90_000 });
    assert.match(await hit.innerText(), /weekend-rds-shutdown/);
    await wb.screenshot('search-results');
    await wb.closeQuickInput();
  });

  await step('resolve a library playbook the user does not have and see its script open', async () => {
    await wb.runCommand('Escher: Resolve Script');
    await wb.choose('Enter a playbook id');
    await wb.answer(LIBRARY_PLAYBOOK.id, { expectPrompt: 'Playbook id' });
    await wb.activeEditorTab().filter({ hasText: 'stop.sh' }).waitFor({ timeout: 60_000 });
    await wb.page.locator('.monaco-editor .view-lines', { hasText: 'stop-db-instance' }).first().waitFor();
  });

  await step('a hand-broken metadata.json shows as an error row that opens the file, with its problem listed', async () => {
    // As a user copying a playbook folder by hand and leaving a stray comma: the store skips it.
    const synced = path.join(home, 'playbooks', 'synced', 'weekend-rds-shutdown', 'v1.0.0', 'metadata.json');
    const broken = path.join(home, 'playbooks', 'local', 'broken-by-hand', 'v1.0.0', 'metadata.json');
    await fs.mkdir(path.dirname(broken), { recursive: true });
    await fs.writeFile(broken, (await fs.readFile(synced, 'utf8')).replace('"schema_version": 1,', '"schema_version": 1,,'));
    const row = wb.treeRow(pane, 'broken-by-hand');
    await row.filter({ hasText: /invalid metadata: not valid JSON/ }).waitFor({ timeout: 60_000 });
    await wb.clickRow(row, wb.page.locator('.monaco-editor[data-uri*="/broken-by-hand/"]').first());
    await wb.activeEditorTab().filter({ hasText: 'metadata.json' }).waitFor();
    await wb.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: /not valid JSON: a property name in double quotes is expected/ }).first().waitFor({ timeout: 30_000 });
  });
}
