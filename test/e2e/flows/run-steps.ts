import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { Locator } from 'playwright-core';
import { contextMenu, runRow, runsView, waitForTerminal } from '../harness/run-steps';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

export interface RunEnv {
  playbook: string;
  /** The workspace folder the window opened: a run's working folder. */
  workspace: string;
  /** The value typed for the template's {{target}}. */
  target: string;
}

const REASON = 'outage INC-42, reviewer on leave';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Run Playbook from the tree's context menu on a never-published playbook: the parameter form,
 * the confirmation naming the exact folder, script hash and value, the value in the terminal and
 * the run in the Runs view with exit 0.
 */
export async function runFromTreeSteps(step: Step, wb: Workbench, pane: Locator, env: RunEnv): Promise<void> {
  await step('run it from the tree: type the parameter, confirm the exact command, see the value in the terminal and exit 0 in Runs', async () => {
    await contextMenu(wb, wb.treeRowLabelled(pane, env.playbook), 'Run Playbook');
    await wb.answer(env.target, { expectPrompt: 'target (string, required)' });
    const dialog = wb.dialog().filter({ hasText: `Run "${env.playbook}" (weekend-rds-shutdown v1.0.0, shell)?` });
    await dialog.waitFor();
    const detail = await dialog.innerText();
    assert.match(detail, new RegExp(`Working folder: ${escapeRegExp(await fs.realpath(env.workspace))}`));
    assert.match(detail, /shell\/run\.sh\s+[0-9a-f]{64}/);
    assert.match(detail, new RegExp(`target = "${escapeRegExp(env.target)}"`));
    assert.match(detail, /Review: never published/);
    await wb.screenshot('run-confirmation');
    await wb.clickDialogButton('Run');
    await waitForTerminal(wb, `Running ${env.playbook} on ${env.target}`);
    await waitForTerminal(wb, /weekend-rds-shutdown v1\.0\.0 succeeded \(exit 0\)/);
    const runs = await runsView(wb);
    await runRow(runs, 'weekend-rds-shutdown v1.0.0').filter({ hasText: 'exit 0' }).waitFor({ timeout: 30_000 });
  });
}

/**
 * Run Playbook from a script's editor title on a playbook waiting for review: the last value
 * prefilled, the confirmation says it is pending and asks for a reason in a second dialog, and the
 * run's log (opened from the Runs view) records that reason.
 */
export async function runPendingReviewSteps(step: Step, wb: Workbench, env: RunEnv): Promise<void> {
  await step("pending review: Run from a script's editor title asks for a reason in a second dialog; the log records it", async () => {
    await wb.runCommand('Escher: Resolve Script');
    await wb.choose(env.playbook);
    await wb.activeEditorTab().filter({ hasText: 'run.sh' }).waitFor({ timeout: 60_000 });
    await wb.page.locator('.editor-actions .action-label[aria-label^="Run Playbook"]').first().click();
    await wb.quickInput.filter({ hasText: 'target (string, required)' }).waitFor();
    assert.equal(await wb.quickInputBox.inputValue(), env.target, 'the last value is prefilled');
    await wb.answer(env.target, { expectPrompt: 'target (string, required)' });
    await wb.dialog().filter({ hasText: 'Review: pending' }).waitFor();
    await wb.clickDialogButton('Run Unreviewed…');
    await wb.answer(REASON, { expectPrompt: 'Why must it run now?' });
    await waitForTerminal(wb, /weekend-rds-shutdown v1\.0\.1 succeeded \(exit 0\)/);
    const runs = await runsView(wb);
    // The finished run, as a user clicks it: its row says how it ended.
    const row = runRow(runs, 'weekend-rds-shutdown v1.0.1').filter({ hasText: 'exit 0' });
    await row.waitFor({ timeout: 30_000 });
    await wb.clickRow(row, wb.activeEditorTab().filter({ hasText: '.log' }));
    await wb.page.locator('.monaco-editor .view-lines', { hasText: `run unreviewed because: ${REASON}` }).first().waitFor();
    await wb.screenshot('run-log-unreviewed');
    // Close the log and the script: the playbook's metadata.json (and its code lens) is in front again.
    await wb.runCommand('View: Close Editor');
    await wb.runCommand('View: Close Editor');
    await wb.activeEditorTab().filter({ hasText: 'metadata.json' }).waitFor();
  });
}
