import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CONFLICT_PLAYBOOK, conflictSteps } from './flows/conflict-steps';
import { connectSteps } from './flows/connect-steps';
import { draftSteps, restoreSteps } from './flows/draft-steps';
import { explorerSteps } from './flows/explorer-steps';
import { createSteps, reviewSteps, uploadForReviewSteps } from './flows/publish-steps';
import { restrictedModeSteps } from './flows/restricted-steps';
import { runFromTreeSteps, runPendingReviewSteps } from './flows/run-steps';
import { searchAndFileSteps } from './flows/search-steps';
import { teamSteps } from './flows/team-steps';
import { atScaleSteps, RUNBOOKS } from './flows/scale-steps';
import { installExtension, startCodeServer, type CodeServer } from './harness/code-server';
import { startDevServer, type DevServer } from './harness/dev-server';
import { builtInExtensionOf, findExtensionLog, logEntriesMentioning, writeLibrary } from './harness/fixtures';
import { ARTIFACTS, missingPrerequisite } from './harness/prerequisites';
import { stepper } from './harness/steps';
import { launchBrowser, Workbench } from './harness/workbench';

/**
 * The extension in a real VS Code (code-server 4.99 = VS Code 1.99, Chromium via playwright-core),
 * driven as a user drives it: palette, input boxes, tree rows and keys, code lenses, dialogs,
 * notifications, the status bar. Against the reference Escher server (dist/dev-server.js) with one
 * Escher Library playbook and an admin token for the reviewer. Screenshots of every step land in
 * test-artifacts/e2e/. Skips (saying what to install) when code-server or Chromium is absent;
 * .ci/run installs both first (scripts/setup-e2e.sh).
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
const ADMIN_TOKEN = 'e2e-reviewer-token-77a1';
const TENANT = 'acme';
/** A teammate (another author of the tenant) and a reviewer, for the team and review steps. */
const TEAMMATE_TOKEN = 'e2e-teammate-token-3b2d';
const REVIEWER_TOKEN = 'e2e-reviewer-token-5c0e';
const PLAYBOOK = 'Weekend RDS shutdown';

/** A profile with neither a tip nor an update check; `escher.*` and trust settings come on top. */
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  // The schema step edits metadata.json without saving it (code-server would otherwise auto-save).
  'files.autoSave': 'off',
  // xterm's DOM renderer: a run's terminal text is then in the page for the test to read.
  'terminal.integrated.gpuAcceleration': 'off',
};

test('the extension in a real VS Code: first run, explorer, connect, create, run, publish, run unreviewed, review, search, resolve, team and review queue, Restricted Mode', { skip: missing, timeout: 420_000 }, async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-e2e-'));
  // Not created: the first CLI import creates it while VS Code runs.
  const home = path.join(root, 'home');
  const library = path.join(root, 'library');
  const extensionsDir = path.join(root, 'extensions');
  const workspace = path.join(root, 'workspace');
  await Promise.all([library, extensionsDir, workspace].map((d) => fs.mkdir(d, { recursive: true })));
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

  server = await startDevServer({ dataDir: path.join(root, 'server-data'), libraryDir: library, token: TOKEN, tenant: TENANT, adminToken: ADMIN_TOKEN, moreTokens: [`${TENANT}=${TEAMMATE_TOKEN}`, `reviewer:${TENANT}=${REVIEWER_TOKEN}`] });
  // No server in the settings: Connect to Escher… writes them. No trust prompt in this window.
  const userDataDir = path.join(root, 'user-data');
  vscode = await startCodeServer({ workspace, userDataDir, extensionsDir, escherHome: home, settings: { ...BASE_SETTINGS, 'security.workspace.trust.enabled': false } });
  browser = await launchBrowser();
  const wb = await Workbench.open(browser, vscode.url, 'trusted');
  const step = stepper(t, () => wb);

  const pane = await wb.openEscherView();
  await explorerSteps(step, wb, pane, home, root);
  await connectSteps(step, wb, { serverUrl: server.url, tenant: TENANT, token: TOKEN, userDataDir });
  const publish = { serverUrl: server.url, tenant: TENANT, token: TOKEN, adminToken: ADMIN_TOKEN, playbook: PLAYBOOK, home };
  const run = { playbook: PLAYBOOK, workspace, target: 'prod-db-7' };
  await createSteps(step, wb, pane, publish);
  await runFromTreeSteps(step, wb, pane, run);
  await uploadForReviewSteps(step, wb, pane, publish);
  // Before the rejection below: the reviewer has not decided yet.
  await runPendingReviewSteps(step, wb, run);
  await reviewSteps(step, wb, pane, publish);
  await draftSteps(step, wb, pane, home, PLAYBOOK);
  await searchAndFileSteps(step, wb, pane, home, PLAYBOOK);
  await conflictSteps(step, wb, pane, { home, serverUrl: server.url, tenant: TENANT, token: TOKEN });
  // The conflict's playbook is published (Keep Mine): one of its scripts is now changed on disk.
  await restoreSteps(step, wb, pane, home, CONFLICT_PLAYBOOK.id, CONFLICT_PLAYBOOK.name);

  await step('a window reload leaves no "Channel has been closed" error behind', async () => {
    await wb.runCommand('Developer: Reload Window');
    await wb.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    // The Escher container was open: the reload restores it (clicking its icon now could close it).
    await wb.escherPane.waitFor({ state: 'visible', timeout: 60_000 });
    await wb.treeRowLabelled(wb.escherPane, PLAYBOOK).waitFor({ timeout: 60_000 });
    // VS Code's own JSON extension logs it when the reload cuts short a request it had in flight for
    // an open JSON file (a race inside VS Code): reported, not failed. Any other entry may be ours.
    const closed = await logEntriesMentioning(path.join(userDataDir, 'logs'), 'Channel has been closed');
    const builtIn = closed.map((e) => builtInExtensionOf(e, extensionsDir));
    if (builtIn.some(Boolean)) t.diagnostic(`"Channel has been closed" from VS Code's built-in extensions on reload: ${[...new Set(builtIn.filter(Boolean))].join(', ')}`);
    assert.deepEqual(closed.filter((_, i) => !builtIn[i]), []);
  });

  await teamSteps(step, wb, wb.escherPane, { serverUrl: server.url, tenant: TENANT, token: TOKEN, teammateToken: TEAMMATE_TOKEN, reviewerToken: REVIEWER_TOKEN, home, root });

  const log = await findExtensionLog(userDataDir);
  const activation = log?.match(/activated in ([\d.]+) ms/)?.[1];
  t.diagnostic(`activation inside code-server: ${activation ?? '?'} ms; screenshots in ${path.join(ARTIFACTS, 'trusted')}`);
  t.diagnostic(`code lenses painted dead (needed the document-touch retry): ${wb.lensRetries.length ? wb.lensRetries.join(', ') : 'none'}`);
  t.diagnostic(`tree rows clicked twice (the first click met a re-render): ${wb.clickRetries.length ? wb.clickRetries.join(', ') : 'none'}`);
  await browser.close();
  browser = undefined;
  await vscode.stop();

  // Restricted Mode: the same home, a fresh profile with workspace trust on and never granted.
  // This profile names no server: the one `escher-playbook login` saved in config.json is used.
  await fs.writeFile(path.join(home, 'config.json'), JSON.stringify({ serverUrl: server.url, tenantId: TENANT }));
  // The untrusted workspace tries to redirect the tenant, the model and the cache: every one of
  // these is machine-scoped and restricted, so the review state below (fetched as TENANT) and the
  // search (the default model) prove the workspace values were ignored.
  await fs.mkdir(path.join(workspace, '.vscode'), { recursive: true });
  await fs.writeFile(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'escher.tenantId': 'evil-tenant', 'escher.search.embeddingModel': 'hf:attacker/model', 'escher.search.allowRemoteModels': true, 'escher.cache.maxSizeMb': 1 }),
  );
  vscode = await startCodeServer({
    workspace,
    userDataDir: path.join(root, 'user-data-untrusted'),
    extensionsDir,
    escherHome: home,
    // Machine-scoped: only the Remote settings of a remote window count. Seen once already.
    machineSettings: { 'workbench.welcomePage.walkthroughs.openOnInstall': false },
    settings: {
      ...BASE_SETTINGS,
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'always',
    },
  });
  browser = await launchBrowser();
  const rw = await Workbench.open(browser, vscode.url, 'restricted');
  await restrictedModeSteps(stepper(t, () => rw), rw, PLAYBOOK);
});

test('at scale, as the README shows it: 175 AWS runbooks grouped by cloud and service, tooltips, search', { skip: missing ?? (RUNBOOKS ? undefined : '../shared/data/aws-runbooks.json is absent'), timeout: 300_000 }, async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-e2e-scale-'));
  const home = path.join(root, 'home');
  const extensionsDir = path.join(root, 'extensions');
  await Promise.all([extensionsDir, path.join(root, 'workspace')].map((d) => fs.mkdir(d, { recursive: true })));
  await installExtension(extensionsDir);
  const live: { vscode?: CodeServer; browser?: Browser } = {};
  t.after(async () => {
    await live.browser?.close().catch(() => {});
    await live.vscode?.stop();
    if (process.env.ESCHER_E2E_KEEP !== '1') await fs.rm(root, { recursive: true, force: true });
  });
  live.vscode = await startCodeServer({
    workspace: path.join(root, 'workspace'),
    userDataDir: path.join(root, 'user-data'),
    extensionsDir,
    escherHome: home,
    machineSettings: { 'workbench.welcomePage.walkthroughs.openOnInstall': false },
    settings: { ...BASE_SETTINGS, 'security.workspace.trust.enabled': false },
  });
  live.browser = await launchBrowser();
  const wb = await Workbench.open(live.browser, live.vscode.url, 'scale');
  await atScaleSteps(stepper(t, () => wb), wb, home);
  t.diagnostic(`tree rows clicked or hovered twice (the first met a re-render): ${wb.clickRetries.length ? wb.clickRetries.join(', ') : 'none'}`);
});
