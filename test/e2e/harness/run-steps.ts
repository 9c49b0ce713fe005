import type { Locator } from 'playwright-core';
import type { Workbench } from './workbench';

/**
 * The parts of a playbook run a user sees in the workbench: a tree row's context menu, the run's
 * terminal (xterm's DOM renderer: the e2e settings turn GPU rendering off so its text is in the
 * page), the Runs view and its rows.
 */

/**
 * Right-click → the context menu's entry, chosen with the pointer on it and Enter. (A mouse click
 * on the entry was sometimes lost under load: the entry highlighted, the menu stayed open.)
 */
export async function contextMenu(wb: Workbench, row: Locator, entry: string): Promise<void> {
  await row.click({ button: 'right' });
  const menu = wb.page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item', { hasText: entry }).first();
  await item.waitFor({ state: 'visible' });
  await item.hover();
  await menu.locator('.action-item.focused', { hasText: entry }).first().waitFor();
  await wb.page.keyboard.press('Enter');
  await menu.first().waitFor({ state: 'hidden' });
}

/** The text of the visible terminal, as xterm shows it (rows joined by newlines). */
export async function terminalText(wb: Workbench): Promise<string> {
  return wb.page.evaluate(`(() => [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows > div, .terminal-wrapper .xterm-rows > div')].map((r) => r.textContent).join('\\n'))()`);
}

/** Waits until the terminal shows `text` (a run writes as it goes). */
export async function waitForTerminal(wb: Workbench, text: string | RegExp, timeout = 60_000): Promise<void> {
  await wb.page.locator('.terminal-wrapper .xterm-rows', { hasText: text }).first().waitFor({ timeout });
}

/** The Runs view in the Escher container, expanded (it starts collapsed). */
export async function runsView(wb: Workbench): Promise<Locator> {
  const pane = wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: /^\s*Runs/ }) }).first();
  const header = pane.locator('.pane-header').first();
  await header.waitFor({ state: 'visible' });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await pane.locator('.pane-body').waitFor({ state: 'visible' });
  return pane;
}

/** A row of the Runs view: "<playbook> v<version>", its outcome in the description. */
export function runRow(pane: Locator, text: string | RegExp): Locator {
  return pane.locator('.monaco-list-row', { hasText: text }).first();
}
