import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { REPO } from '../harness/prerequisites';
import type { Step } from '../harness/steps';
import type { Workbench } from '../harness/workbench';

export interface ConflictEnv {
  /** The window's Escher home. */
  home: string;
  serverUrl: string;
  tenant: string;
  token: string;
}

/**
 * A conflict made from two homes — another machine publishes a playbook, this home makes the same
 * id with other content (both with the CLI) — seen as one row with a conflict and the status bar's
 * count, then resolved from the UI with Resolve Conflict… → Keep Mine.
 */
/** The playbook the conflict is made on; resolved with Keep Mine, it is published from this home. */
export const CONFLICT_PLAYBOOK = { id: 'e2e-rotate-keys', name: 'Rotate e2e keys' } as const;

export async function conflictSteps(step: Step, wb: Workbench, pane: Locator, env: ConflictEnv): Promise<void> {
  await step('a conflict made from two homes is one row; Resolve Conflict… → Keep Mine: the server has mine, the copy is gone, the status bar is clean', async () => {
    const { id, name } = CONFLICT_PLAYBOOK;
    const other = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-e2e-other-'));
    try {
      const cli = (home: string, args: string[]) =>
        execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), '--home', home, ...args], {
          stdio: 'pipe',
          env: { ...process.env, ESCHER_SERVER_URL: env.serverUrl, ESCHER_TENANT_ID: env.tenant, ESCHER_TOKEN: env.token },
        });
      const make = async (home: string, file: string, description: string) => {
        await fs.writeFile(file, `#!/bin/sh\necho ${description}\n`);
        cli(home, ['create', '--id', id, '--name', name, '--description', description, '--area', 'synced', '--strategy', 'uploaded_for_review', '--script', `shell=${file}`]);
      };
      await make(other, path.join(other, 'theirs.sh'), 'made on the other machine');
      cli(other, ['sync']);
      await make(env.home, path.join(other, 'mine.sh'), 'made here');
      // Background sync may meet the conflict first; Sync Now then tells it is still open. Either way, one.
      await wb.runCommand('Escher: Sync Now');
      await wb.statusBarItem(/Escher: 1 conflict$/).waitFor({ timeout: 60_000 });
      const rows = pane.locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) });
      await rows.filter({ hasText: /conflict/ }).first().waitFor({ timeout: 60_000 });
      assert.equal(await rows.count(), 1, 'the conflict copy is not a second row of the same name');
      await wb.screenshot('conflict-one-row');
      await wb.clearNotifications();

      await wb.runCommand('Escher: Resolve Conflict');
      await wb.choose(id, { title: /Resolve Conflict/ });
      await wb.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
      await wb.choose('Keep Mine', { title: new RegExp(`Resolve the conflict on ${id}`) });
      await wb.notification(new RegExp(`Resolved ${id}: kept your version as v[\\d.]+, published; ${id}-conflict-1 was removed`)).waitFor({ timeout: 60_000 });
      await wb.statusBarItem(/Escher: synced/).waitFor({ timeout: 60_000 });
      await wb.screenshot('conflict-resolved');

      const record = (await (await fetch(`${env.serverUrl}/api/playbooks/${id}`, { headers: { authorization: `Bearer ${env.token}`, 'x-escher-tenant': env.tenant } })).json()) as {
        latest_version: string;
        versions: Record<string, { metadata: { description: string } }>;
      };
      assert.equal(record.versions[record.latest_version]?.metadata.description, 'made here', 'the server has mine');
      const local = await fs.readdir(path.join(env.home, 'playbooks', 'local'));
      assert.deepEqual(local.filter((d) => d.startsWith(`${id}-conflict`)), [], 'the copy is gone');
      await rows.filter({ hasText: /conflict/ }).waitFor({ state: 'detached', timeout: 60_000 });
    } finally {
      await fs.rm(other, { recursive: true, force: true });
    }
  });
}
