import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import inc from 'semver/functions/inc';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { FileSecretStore } from '../../../src/core/shared/secret-file';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

/**
 * Editing a stored version the safe way: Edit as New Version opens a draft, the edit is saved in
 * it, Save Draft as New Version writes the next version (the tree shows it, the previous one is
 * untouched and still verifies), Compare with Previous Version opens VS Code's diff editor.
 */
export async function draftSteps(step: Step, wb: Workbench, pane: Locator, home: string, avoid: string): Promise<void> {
  await step('Edit as New Version → edit the draft → Save: the tree shows the new version, the previous one still verifies; Compare with Previous Version opens a diff', async () => {
    const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new FileSecretStore(home) });
    // A local playbook other than the one later steps check the review state of.
    const target = (await store.listPlaybooks({ area: 'local' })).find((s) => s.name !== avoid);
    assert.ok(target, 'a local playbook to edit');
    const id = target.playbook_id;
    const playbook = target.name;
    const before = await store.getPlaybook(id);
    const previous = before.metadata.version;
    const next = inc(previous, 'patch')!;
    const previousText = await fs.readFile(path.join(before.dir, 'metadata.json'), 'utf8');
    await wb.runCommand('Escher: Edit as New Version');
    await wb.choose(playbook, { title: /Edit as New Version/ });
    const draft = path.join(home, 'drafts', id, 'metadata.json');
    // The draft is an ordinary editable file: change the description and save it.
    const line = wb.page.locator('.monaco-editor .view-line', { hasText: '"description"' }).first();
    await line.waitFor({ timeout: 30_000 });
    await line.click();
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('ArrowLeft');
    await wb.page.keyboard.press('ArrowLeft');
    await wb.page.keyboard.type(', also on holidays');
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.tab.active.dirty').waitFor();
    await wb.page.keyboard.press('Control+S');
    await wb.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 30_000 });
    assert.match(await fs.readFile(draft, 'utf8'), /also on holidays/);
    await wb.runCommand('Escher: Save Draft as New Version');
    await wb.choose(id, { title: /Save Draft as New Version/ });
    await wb.choose(`Save as v${next}`, { title: /Save the draft/ });
    await wb.notification(new RegExp(`Saved the draft of ${id} as v${next.replace(/\./g, '\\.')}`)).waitFor({ timeout: 60_000 });
    await wb.treeRowLabelled(pane, playbook).filter({ hasText: new RegExp(`v${next.replace(/\./g, '\\.')}`) }).waitFor({ timeout: 60_000 });
    const prev = await store.getPlaybook(id, previous);
    assert.equal(await fs.readFile(path.join(prev.dir, 'metadata.json'), 'utf8'), previousText, `v${previous} is untouched`);
    assert.deepEqual(await store.findModifiedFiles(prev), [], `v${previous} still verifies`);
    assert.match((await store.getPlaybook(id, next)).metadata.description, /also on holidays/);
    await assert.rejects(fs.stat(draft), 'the draft is gone once saved');
    await wb.runCommand('Escher: Compare with Previous Version');
    await wb.choose(playbook, { title: /Compare with Previous Version/ });
    await wb.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
    await wb.activeEditorTab().filter({ hasText: `v${previous} ↔ v${next}` }).waitFor();
  });
}
