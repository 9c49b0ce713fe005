import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { installExtension, startCodeServer, type CodeServer } from './harness/code-server';
import { startDevServer, type DevServer } from './harness/dev-server';
import { findExtensionLog, LIBRARY_PLAYBOOK, writeLibrary } from './harness/fixtures';
import { ARTIFACTS, missingPrerequisite } from './harness/prerequisites';
import { launchBrowser, Workbench } from './harness/workbench';

/**
 * The extension in a real VS Code (code-server 4.99 = VS Code 1.99, Chromium via playwright-core),
 * driven as a user drives it: palette, input boxes, tree rows, code lenses, notifications. Against
 * the reference Escher server (dist/dev-server.js) with one Escher Library playbook. Screenshots
 * of every step land in test-artifacts/e2e/. Skips (saying what to install) when code-server or
 * Chromium is absent; .ci/run installs both first (scripts/setup-e2e.sh).
 */
const missing = missingPrerequisite();
// In CI (.ci/run installs everything first) a missing prerequisite is a broken install step, not a
// reason to skip: fail loudly so a green CI can never mean "the real-VS-Code tests did not run".
if (missing && process.env.CI === 'true' && process.env.ESCHER_E2E !== '0') {
  test('end-to-end prerequisites are installed in CI', () => {
    assert.fail(`${missing}; .ci/run should have installed it (scripts/setup-e2e.sh)`);
  });
}
const TOKEN = 'e2e-secret-token-4f9c';
const TENANT = 'acme';
const PLAYBOOK = 'Weekend RDS shutdown';

test('the extension in a real VS Code: create, explore, validate, publish, search, resolve, Restricted Mode', { skip: missing, timeout: 300_000 }, async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-e2e-'));
  const home = path.join(root, 'home');
  const library = path.join(root, 'library');
  const extensionsDir = path.join(root, 'extensions');
  await Promise.all([home, library, extensionsDir, path.join(root, 'workspace')].map((d) => fs.mkdir(d, { recursive: true })));
  await writeLibrary(library);
  await installExtension(extensionsDir);

  let vscode: CodeServer | undefined;
  let browser: Browser | undefined;
  let server: DevServer | undefined = undefined;
  t.after(async () => {
    await browser?.close().catch(() => {});
    await vscode?.stop();
    await server?.stop();
    if (process.env.ESCHER_E2E_KEEP !== '1') await fs.rm(root, { recursive: true, force: true });
  });

  server = await startDevServer({ dataDir: path.join(root, 'server-data'), libraryDir: library, token: TOKEN, tenant: TENANT });
  const settings = {
    'escher.home': home,
    'escher.server.url': server.url,
    'escher.tenantId': TENANT,
    // Neither secret nor trust prompt: the token is typed into Sign In below.
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'git.enabled': false,
    // Were a stored file editable, code-server would save every keystroke into it.
    'files.autoSave': 'off',
  };
  const userDataDir = path.join(root, 'user-data');
  vscode = await startCodeServer({ workspace: path.join(root, 'workspace'), userDataDir, extensionsDir, settings });
  browser = await launchBrowser();
  const wb = await Workbench.open(browser, vscode.url, 'trusted');

  const step = async (name: string, fn: () => Promise<void>) => {
    await t.test(name, async () => {
      try {
        await fn();
        await wb.screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
      } catch (e) {
        await wb.screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => {});
        t.diagnostic(`code lens DOM: ${await wb.page.evaluate(`document.querySelectorAll('.monaco-editor').length + ' editors; ' + [...document.querySelectorAll('.codelens-decoration')].map((e) => (e.closest('.monaco-editor') && e.closest('.monaco-editor').getAttribute('data-uri')) + ' ' + e.outerHTML.slice(0, 300)).join(' ---- ')`)}`);
        throw e;
      }
    });
  };

  const pane = await wb.openEscherView();

  await step('an empty store shows the welcome view with Create Playbook', async () => {
    await pane.getByText('No playbooks yet', { exact: false }).waitFor({ timeout: 60_000 });
    await pane.locator('.monaco-button', { hasText: 'Create Playbook' }).waitFor();
  });

  await step('sign in: the token goes into the password box, never into settings', async () => {
    await wb.runCommand('Escher: Sign In');
    await wb.quickInput.filter({ hasText: 'Sign In to' }).waitFor();
    assert.equal(await wb.quickInputBox.getAttribute('type'), 'password');
    await wb.answer(TOKEN);
    await wb.notification(/Signed in to/).waitFor();
    const saved = await fs.readFile(path.join(userDataDir, 'User', 'settings.json'), 'utf8');
    assert.ok(!saved.includes(TOKEN), 'the token never lands in settings.json');
  });

  await step('create a playbook from the palette and see it in the tree', async () => {
    await wb.runCommand('Escher: Create Playbook');
    await wb.answer(PLAYBOOK, { expectPrompt: 'Name of the playbook' });
    await wb.answer('Stops non-production RDS databases on Friday evening to save cost', { expectPrompt: 'What does it do' });
    await wb.choose('AWS', { title: /Create Playbook/ });
    await wb.answer('rds', { expectPrompt: 'Resource types' });
    await wb.waitForPlaceholder('Script formats');
    await wb.page.keyboard.press('Enter'); // Shell is preselected.
    await wb.notification(/Created "Weekend RDS shutdown"/).waitFor();
    await wb.treeRow(pane, PLAYBOOK).waitFor();
    assert.match(await wb.treeRow(pane, /^Local/).innerText(), /1/);
    assert.match(await wb.treeRow(pane, PLAYBOOK).innerText(), /v1\.0\.0.*private/s);
    await wb.clickNotificationButton(/Created "Weekend RDS shutdown"/, 'Keep Private');
  });

  await step('metadata.json shows the code lens, and a stored version opens read-only: typing changes nothing', async () => {
    await wb.activeEditorTab().filter({ hasText: 'metadata.json' }).waitFor();
    await wb.liveCodeLens('Upload for Review');
    await wb.codeLens('Upload Trusted').waitFor();
    await wb.codeLens(/Keep Private/).waitFor();
    const file = path.join(home, 'playbooks', 'local', 'weekend-rds-shutdown', 'v1.0.0', 'metadata.json');
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

  await step('Upload for Review from the code lens moves it to Synced, in review', async () => {
    await wb.liveCodeLens('Upload for Review');
    await wb.codeLens('Upload for Review').click();
    await wb.notification(/Published "Weekend RDS shutdown".*Synced/).waitFor({ timeout: 60_000 });
    const synced = wb.treeRow(pane, /^Synced/);
    await wb.page.waitForFunction((el) => /1/.test(el?.textContent ?? ''), await synced.elementHandle());
    await wb.treeRow(pane, PLAYBOOK).filter({ hasText: /in review/ }).waitFor();
  });

  await step('the search quick pick finds it by meaning as you type', async () => {
    await wb.runCommand('Escher: Search Playbooks');
    await wb.quickInputBox.fill('turn off the database on friday night');
    const hit = wb.quickRow(PLAYBOOK);
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

  await step('Edit as New Version → edit the draft → Save as v1.0.2: the tree shows it, v1.0.1 is untouched; Compare with Previous Version opens a diff', async () => {
    // Publishing "for review" wrote v1.0.1 (the new upload strategy): that is the latest now.
    const dir = path.join(home, 'playbooks', 'synced', 'weekend-rds-shutdown');
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.startsWith('v')).sort(), ['v1.0.0', 'v1.0.1']);
    const latest = path.join(dir, 'v1.0.1', 'metadata.json');
    const latestBefore = await fs.readFile(latest, 'utf8');
    await wb.runCommand('Escher: Edit as New Version');
    await wb.choose(PLAYBOOK, { title: /Edit as New Version/ });
    const draft = path.join(home, 'drafts', 'weekend-rds-shutdown', 'metadata.json');
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
    await wb.choose('weekend-rds-shutdown', { title: /Save Draft as New Version/ });
    await wb.choose('Save as v1.0.2', { title: /Save the draft/ });
    await wb.notification(/Saved the draft of weekend-rds-shutdown as v1\.0\.2/).waitFor({ timeout: 60_000 });
    await wb.treeRow(pane, PLAYBOOK).filter({ hasText: /v1\.0\.2/ }).waitFor({ timeout: 60_000 });
    assert.equal(await fs.readFile(latest, 'utf8'), latestBefore, 'v1.0.1 is untouched');
    assert.match(await fs.readFile(path.join(dir, 'v1.0.2', 'metadata.json'), 'utf8'), /also on holidays/);
    await assert.rejects(fs.stat(draft), 'the draft is gone once saved');
    await wb.runCommand('Escher: Compare with Previous Version');
    await wb.choose(PLAYBOOK, { title: /Compare with Previous Version/ });
    await wb.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
    await wb.activeEditorTab().filter({ hasText: /v1\.0\.1 ↔ v1\.0\.2/ }).waitFor();
  });

  await step('a hand-broken metadata.json shows as an error row that opens the file, with its problem listed', async () => {
    // As a user copying a playbook folder by hand and leaving a stray comma: the store skips it.
    const synced = path.join(home, 'playbooks', 'synced', 'weekend-rds-shutdown', 'v1.0.0', 'metadata.json');
    const broken = path.join(home, 'playbooks', 'local', 'broken-by-hand', 'v1.0.0', 'metadata.json');
    await fs.mkdir(path.dirname(broken), { recursive: true });
    await fs.writeFile(broken, (await fs.readFile(synced, 'utf8')).replace('"schema_version": 1,', '"schema_version": 1,,'));
    const row = wb.treeRow(pane, 'broken-by-hand');
    await row.filter({ hasText: /invalid metadata: not valid JSON/ }).waitFor({ timeout: 60_000 });
    await row.click();
    await wb.activeEditorTab().filter({ hasText: 'metadata.json' }).waitFor();
    await wb.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: /not valid JSON: a property name in double quotes is expected/ }).first().waitFor({ timeout: 30_000 });
  });

  const log = await findExtensionLog(userDataDir);
  const activation = log?.match(/activated in ([\d.]+) ms/)?.[1];
  t.diagnostic(`activation inside code-server: ${activation ?? '?'} ms; screenshots in ${path.join(ARTIFACTS, 'trusted')}`);
  t.diagnostic(`code lenses painted dead (needed the document-touch retry): ${wb.lensRetries.length ? wb.lensRetries.join(', ') : 'none'}`);
  await browser.close();
  browser = undefined;
  await vscode.stop();

  // Restricted Mode: the same home, a fresh profile with workspace trust on and never granted.
  // This profile names no server: the one `escher-playbook login` saved in config.json is used.
  const { 'escher.server.url': _fromSettings, 'escher.tenantId': _tenant, ...withoutServer } = settings;
  await fs.writeFile(path.join(home, 'config.json'), JSON.stringify({ serverUrl: server.url, tenantId: TENANT }));
  // The untrusted workspace tries to redirect the tenant, the model and the cache: every one of
  // these is machine-scoped and restricted, so the review state below (fetched as TENANT) and the
  // search (the default model) prove the workspace values were ignored.
  await fs.mkdir(path.join(root, 'workspace', '.vscode'), { recursive: true });
  await fs.writeFile(
    path.join(root, 'workspace', '.vscode', 'settings.json'),
    JSON.stringify({ 'escher.tenantId': 'evil-tenant', 'escher.search.embeddingModel': 'hf:attacker/model', 'escher.search.allowRemoteModels': true, 'escher.cache.maxSizeMb': 1 }),
  );
  vscode = await startCodeServer({
    workspace: path.join(root, 'workspace'),
    userDataDir: path.join(root, 'user-data-untrusted'),
    extensionsDir,
    settings: { ...withoutServer, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
  });
  browser = await launchBrowser();
  const rw = await Workbench.open(browser, vscode.url, 'restricted');
  await t.test('Restricted Mode refuses to run a script; the server `login` saved is used when settings name none', async () => {
    try {
      await rw.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
      const rpane = await rw.openEscherView();
      await rw.treeRow(rpane, PLAYBOOK).waitFor({ timeout: 60_000 });
      // The review state shows only with a server configured: here it comes from config.json.
      await rw.treeRow(rpane, PLAYBOOK).filter({ hasText: /in review/ }).waitFor({ timeout: 60_000 });
      assert.equal(await rw.paletteHasCommand('Escher: Run in Terminal'), false, 'the palette hides Run in Terminal');
      await rw.screenshot('palette-without-run');
      // The search quick pick still offers the action; the command itself refuses.
      await rw.runCommand('Escher: Search Playbooks');
      await rw.quickInputBox.fill('rds friday');
      await rw.quickRow(PLAYBOOK).waitFor({ timeout: 90_000 });
      await rw.quickRow(PLAYBOOK).click();
      await rw.choose('Run in Terminal');
      await rw.notification(/disabled in Restricted Mode/).waitFor();
      // Let the toast finish fading in before the screenshot (the class is VS Code's own).
      await rw.page.locator('.notification-toast.notification-fade-in-done').first().waitFor({ timeout: 5_000 }).catch(() => {});
      assert.equal(await rw.page.locator('.terminal-wrapper').count(), 0, 'no terminal was opened');
      await rw.screenshot('restricted-mode-refused');
    } catch (e) {
      await rw.screenshot('FAILED-restricted-mode').catch(() => {});
      throw e;
    }
  });
});
