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

/**
 * A published version changed on disk anyway (another editor, a script): once the tree is read
 * again its version row says "modified on disk", and Restore from Server on that row puts the
 * server's bytes back — the row is clean again and the file holds exactly what was published.
 */
export async function restoreSteps(step: Step, wb: Workbench, pane: Locator, home: string, id: string, name: string): Promise<void> {
  await step('a published script changed on disk: its version row says modified on disk; Restore from Server puts it back and the row is clean', async () => {
    const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new FileSecretStore(home) });
    const pb = await store.getPlaybook(id);
    assert.equal(pb.area, 'synced', `${id} is published`);
    const script = pb.metadata.scripts.find((s) => !s.sensitive);
    assert.ok(script, 'a plain script to change');
    const file = path.join(pb.dir, ...script.path.split('/'));
    const original = await fs.readFile(file);
    await fs.chmod(file, 0o644);
    await fs.writeFile(file, '#!/bin/sh\necho changed on disk\n');
    // A script edit inside a version folder is not watched (only metadata.json is): the user refreshes.
    await wb.runCommand('Escher: Refresh Playbooks');
    const version = pb.metadata.version.replace(/\./g, '\\.');
    const modifiedRow = pane.locator('.monaco-list-row', { hasText: new RegExp(`v${version}.*modified on disk`) }).first();
    if (!(await modifiedRow.isVisible())) await wb.clickRow(wb.treeRowLabelled(pane, name), modifiedRow);
    await modifiedRow.waitFor({ timeout: 60_000 });
    await wb.screenshot('restore-modified-row');
    const action = modifiedRow.locator('.action-label[aria-label^="Restore from Server"]');
    await wb.hoverRow(modifiedRow, action);
    await action.click();
    const restored = wb.notification(new RegExp(`Restored ${script.path.replace(/\./g, '\\.')} of ${id} v${version} from the server`));
    // A background sync may redraw the tree under the click: VS Code then runs the command without
    // its row, and it asks which playbook (seen once) — chosen as a user would.
    const picker = wb.quickInput.filter({ hasText: 'Restore from Server' });
    await restored.or(picker).first().waitFor({ timeout: 60_000 });
    if (await picker.isVisible()) {
      wb.clickRetries.push('Restore from Server: row redrawn under the click, picked instead');
      await wb.choose(name, { title: /Restore from Server/ });
    }
    await restored.waitFor({ timeout: 60_000 });
    await pane.locator('.monaco-list-row', { hasText: /modified on disk/ }).first().waitFor({ state: 'detached', timeout: 60_000 });
    // The same row, read again: still listed, no longer marked.
    await pane.locator('.monaco-list-row', { hasText: new RegExp(`v${version}`) }).filter({ hasText: 'latest', hasNotText: /modified on disk/ }).first().waitFor({ timeout: 60_000 });
    assert.deepEqual(await fs.readFile(file), original, 'the bytes the server has');
    assert.deepEqual(await store.findModifiedFiles(await store.getPlaybook(id)), []);
    await wb.screenshot('restore-row-clean');
  });
}
