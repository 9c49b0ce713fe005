import assert from 'node:assert/strict';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

/** Restricted Mode refuses to run a script; the server `login` saved in config.json is the one in use. */
export async function restrictedModeSteps(step: Step, rw: Workbench, playbook: string): Promise<void> {
  await step('Restricted Mode refuses to run a script; the server `login` saved is used when settings name none', async () => {
    await rw.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
    const rpane = await rw.openEscherView();
    const row = rw.treeRowLabelled(rpane, playbook);
    await row.waitFor({ timeout: 60_000 });
    // The review state shows only with a server configured: here it comes from config.json.
    await row.filter({ hasText: /rejected/ }).waitFor({ timeout: 60_000 });
    assert.equal(await rw.paletteHasCommand('Escher: Run Playbook'), false, 'the palette hides Run Playbook');
    await rw.screenshot('palette-without-run');
    // The search quick pick still offers the action; the command itself refuses.
    await rw.runCommand('Escher: Search Playbooks');
    await rw.quickInputBox.fill('rds friday');
    await rw.quickRow(playbook).waitFor({ timeout: 90_000 });
    await rw.quickRow(playbook).click();
    // Offered as "Run Playbook… (needs a trusted workspace)".
    await rw.choose('Run Playbook');
    await rw.notification(/disabled in Restricted Mode/).waitFor();
    // Let the toast finish fading in before the screenshot (the class is VS Code's own).
    await rw.page.locator('.notification-toast.notification-fade-in-done').first().waitFor({ timeout: 5_000 }).catch(() => {});
    assert.equal(await rw.page.locator('.terminal-wrapper').count(), 0, 'no terminal was opened');
    await rw.screenshot('restricted-mode-refused');
  });
}
