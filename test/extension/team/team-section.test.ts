import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../../src/core/shared/logger';
import { LOCK_FILE, lockAdd } from '../../../src/core/team-catalog/lockfile';
import { loadCore } from '../../../src/extension/core-loader';
import { serviceLibrarySource, workspacePins } from '../../../src/extension/team/team-source';
import { test, type TestContext } from 'node:test';
import { publishFlow } from '../../../src/extension/commands/publish';
import { resolveScriptFlow } from '../../../src/extension/commands/resolve-script';
import { cloneToLocalFlow, showTeamDetailsFlow, trackFlow } from '../../../src/extension/team/team-commands';
import { LIBRARY_KIND, TeamPlaybookNode, TeamRootNode, type TeamVersionNode } from '../../../src/extension/team/team-nodes';
import { TeamListing } from '../../../src/extension/team/team-listing';
import { LIBRARY_PLAYBOOK } from '../../e2e/harness/fixtures';
import { teamSection } from '../../../src/extension/team/team-section';
import type { TreeItemData } from '../../../src/extension/tree/tree-item-data';
import type { TreeNode } from '../../../src/extension/tree/tree-node';
import { AUTHOR_TOKEN, REVIEWER_TOKEN, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';
import type { Answer } from '../helpers/scripted-ui';
import { commandEnv } from '../helpers/command-env';
import { commandsHost } from '../helpers/commands-host';
import { libraryServer } from '../helpers/library-server';

/** A teammate's home (another author token of the tenant) publishes `name` for review. */
async function teammatePublishes(t: TestContext, s: TestServer, name: string, script: string): Promise<string> {
  const { svc, ctx } = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  const pb = await svc.store.createPlaybook({ name, description: `${name}: does it`, keywords: ['ops'], scripts: [{ path: 'shell/run.sh', content: script }] });
  assert.equal(await publishFlow(ctx, { playbookId: pb.metadata.playbook_id }, 'uploaded_for_review'), 'published');
  return pb.metadata.playbook_id;
}

const item = async (n: TreeNode): Promise<TreeItemData> => n.getTreeItem();

test("the Team section shows a teammate's playbooks (review status, author, versions), not this home's own; Show Details and Clone to Local use them", async (t) => {
  const s = await libraryServer(t);
  const pending = await teammatePublishes(t, s, 'Weekend RDS shutdown', 'echo stop\n');
  const approved = await teammatePublishes(t, s, 'Rotate keys', 'echo rotate\n');
  await s.client({ token: REVIEWER_TOKEN }).review(approved, '1.0.1', 'approved', 'fine');
  const answers: Answer[] = [true];
  const { svc, ui, ctx } = await commandEnv(t, { answers, serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  // This home's own published playbook is listed under Synced, never under Team.
  await svc.store.createPlaybook({ name: 'Mine', description: 'x' });
  assert.equal(await publishFlow(ctx, { playbookId: 'mine' }, 'uploaded_trusted'), 'published');
  const { host, team } = commandsHost(ctx, svc);

  const section = teamSection(team);
  const [root] = await section.roots();
  assert.ok(root instanceof TeamRootNode);
  await team.refresh();
  // The tree re-draws on the refresh's change event and reads the rows again; the count follows.
  await team.rows();
  assert.equal((await item(root)).description, '2');
  const rows = await root.getChildren();
  const shown = await Promise.all(rows.map(item));
  assert.deepEqual(shown.map((r) => r.label), ['Rotate keys', 'Weekend RDS shutdown']);
  assert.match(shown[0]?.description ?? '', /^v1\.0\.1 · approved · /);
  assert.match(shown[1]?.description ?? '', /^v1\.0\.1 · in review · /);
  assert.deepEqual(shown.map((r) => r.contextValue), ['team.playbook', 'team.playbook']);
  const tooltip = (rows[1] as TeamPlaybookNode).resolveTooltip();
  // Escaped Markdown: nothing from the server can form a link or emphasis.
  assert.match(tooltip, /Published by key\\-[0-9a-f]{16}/);
  assert.match(tooltip, /Not approved yet/);
  const versions = await rows[0]!.getChildren();
  assert.deepEqual(await Promise.all(versions.map(async (v) => (await item(v)).description)), ['latest · approved']);
  assert.match((versions[0] as TeamVersionNode).resolveTooltip(), /approved by key\\-[0-9a-f]{16} \(.*\): fine\./);

  const details = await showTeamDetailsFlow(ctx, host.team, rows[1]);
  assert.match(details ?? '', /^# Weekend RDS shutdown/);
  assert.match(details ?? '', /- review: pending/);
  assert.match(details ?? '', /shell\/run\.sh \(shell, 10 B\) sha256 [0-9a-f]{64}/);

  // Approved content clones with no question but the copy's id (the team's own is taken in the tenant).
  answers.push('rotate-keys-copy');
  assert.equal(await cloneToLocalFlow(ctx, host.team, rows[0]), 'rotate-keys-copy');
  assert.equal(ui.inputs.at(-1)?.value, 'rotate-keys-copy');
  assert.equal(ui.inputs.at(-1)?.validate?.('mine'), 'you have a playbook "mine" already');
  assert.equal(ui.inputs.at(-1)?.validate?.('Not An Id'), 'lower-case letters, digits and single hyphens');
  const clone = await svc.store.getPlaybook('rotate-keys-copy');
  assert.deepEqual([clone.area, clone.metadata.cloned_from?.playbook_id, clone.metadata.cloned_from?.version], ['local', approved, '1.0.1']);
  // Pending content: only with Use Anyway… and a reason.
  ui.messageChoices.push(undefined);
  answers.push(pending);
  assert.equal(await cloneToLocalFlow(ctx, host.team, rows[1]), undefined);
  assert.match(ui.messages.at(-1)?.text ?? '', /pending/);
  await assert.rejects(svc.store.getPlaybook(pending));
  ui.messageChoices.push('Use Anyway…');
  answers.push(pending, 'to adapt it for staging');
  assert.equal(await cloneToLocalFlow(ctx, host.team, rows[1]), pending);
  assert.equal((await svc.store.getPlaybook(pending)).area, 'local');
  // The id cloned as is is this home's now: the Team section no longer lists it.
  team.invalidate();
  assert.deepEqual(await Promise.all((await root.getChildren()).map(async (n) => (await item(n)).label)), ['Rotate keys']);
});

test("a workspace's escher.lock.json pins a team playbook: the row says so, and Clone to Local takes the pinned version", async (t) => {
  const s = await libraryServer(t);
  const teammate = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  await teammate.svc.store.createPlaybook({ name: 'Rotate keys', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo v1\n' }] });
  assert.equal(await publishFlow(teammate.ctx, { playbookId: 'rotate-keys' }, 'uploaded_for_review'), 'published');
  const reviewer = s.client({ token: REVIEWER_TOKEN });
  await reviewer.review('rotate-keys', '1.0.1', 'approved');
  const answers: Answer[] = [];
  const { svc, ui, ctx } = await commandEnv(t, { answers, serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-ws-'));
  t.after(() => fs.rm(workspace, { recursive: true, force: true }));
  await svc.teamCatalog.refresh();
  await lockAdd(svc.teamCatalog, path.join(workspace, LOCK_FILE), 'rotate-keys');
  // The teammate moves on: v1.0.2, approved too.
  await teammate.svc.store.updatePlaybook('rotate-keys', { scripts: [{ path: 'shell/run.sh', content: 'echo v2\n' }] });
  await teammate.svc.publisher.syncAllMetadata();
  await reviewer.review('rotate-keys', '1.0.2', 'approved');

  const { host, team } = commandsHost(ctx, svc, { workspaceFolders: [workspace] });
  await team.refresh();
  const [row] = await new TeamRootNode(team).getChildren();
  assert.ok(row instanceof TeamPlaybookNode);
  assert.match((await item(row)).description ?? '', /^v1\.0\.2 · approved · pinned v1\.0\.1 · /);
  assert.deepEqual(await Promise.all((await row.getChildren()).map(async (v) => (await item(v)).description)), ['latest · approved', 'approved · pinned']);
  assert.equal(row.version, '1.0.1');
  answers.push('rotate-keys-pinned');
  assert.equal(await cloneToLocalFlow(ctx, host.team, row), 'rotate-keys-pinned');
  const copy = await svc.store.getPlaybook('rotate-keys-pinned');
  assert.equal(copy.metadata.cloned_from?.version, '1.0.1');
  assert.equal((await svc.store.readScript(copy, 'shell/run.sh')).toString(), 'echo v1\n');
  // Resolve Script by id alone (the palette) takes the pin too.
  ui.folders.push(workspace);
  const resolved = await resolveScriptFlow(ctx, { playbookId: 'rotate-keys' });
  assert.equal(resolved?.resolved.version, '1.0.1');
  assert.equal(await fs.readFile(resolved?.file ?? '', 'utf8'), 'echo v1\n');
});

test('a broken escher.lock.json pins nothing and is said in the log; the rows stay', async (t) => {
  const s = await libraryServer(t);
  await teammatePublishes(t, s, 'Rotate keys', 'echo rotate\n');
  const { svc, ctx } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-ws-'));
  t.after(() => fs.rm(workspace, { recursive: true, force: true }));
  await fs.writeFile(path.join(workspace, LOCK_FILE), '{"format": "escher-lock/1", "playbooks": {"rotate-keys": {"version": "not-semver"}}}');
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
  const pins = await workspacePins({ core: loadCore, workspaceFolders: () => [workspace], log });
  assert.equal(pins.size, 0);
  assert.match(warnings.join('\n'), /escher\.lock\.json: rotate-keys: version is not a semantic version; no version is pinned from it/);
  const { team } = commandsHost(ctx, svc, { workspaceFolders: [workspace] });
  await team.refresh();
  const rows = await new TeamRootNode(team).getChildren();
  assert.equal(rows.length, 1);
  assert.equal((rows[0] as TeamPlaybookNode).row.pinned, undefined);
});

test('offline, the Team section keeps the last-known playbooks and says it is offline', async (t) => {
  const s = await libraryServer(t);
  await teammatePublishes(t, s, 'Rotate keys', 'echo rotate\n');
  const { svc, ctx } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const { team } = commandsHost(ctx, svc);
  const root = new TeamRootNode(team);
  await team.refresh();
  assert.equal((await root.getChildren()).length, 1);
  s.setFault('status500', { match: '/api/changes' });
  let redraws = 0;
  team.onDidChange(() => redraws++);
  await team.refresh();
  assert.ok(redraws > 0, 'going offline redraws the section');
  assert.match(team.offline ?? '', /500/);
  assert.equal((await item(root)).description, '1 · offline');
  assert.equal((await root.getChildren()).length, 1);
});

test('the Library section lists the Escher Library (read-only, no review needed); Clone to Local copies one', async (t) => {
  const s = await libraryServer(t);
  // A library id is not the tenant's: the copy keeps it (Enter on the prefilled id).
  const { svc, ctx, ui } = await commandEnv(t, { answers: [LIBRARY_PLAYBOOK.id], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const { host } = commandsHost(ctx, svc);
  const library = new TeamListing(serviceLibrarySource({ service: async () => svc, serverConfigured: () => true, core: loadCore, workspaceFolders: () => [], log: silentLogger }));
  const [root] = await teamSection(library, LIBRARY_KIND).roots();
  assert.ok(root instanceof TeamRootNode);
  await library.refresh();
  await library.rows();
  const top = await item(root);
  assert.deepEqual([top.label, top.description, top.contextValue], ['Escher Library', '1', 'library.section']);
  const [row] = await root.getChildren();
  assert.ok(row instanceof TeamPlaybookNode);
  const shown = await item(row);
  assert.deepEqual([shown.label, shown.contextValue], ['Stop an RDS instance', 'library.playbook']);
  assert.match(shown.description ?? '', /^v1\.0\.0 · /);
  assert.equal(await cloneToLocalFlow(ctx, { ...host.team, library }, row), LIBRARY_PLAYBOOK.id);
  assert.equal(ui.inputs[0]?.value, LIBRARY_PLAYBOOK.id);
  const copy = await svc.store.getPlaybook(LIBRARY_PLAYBOOK.id);
  assert.deepEqual([copy.area, copy.metadata.cloned_from?.source], ['local', 'library']);
  assert.equal((await svc.store.readScript(copy, LIBRARY_PLAYBOOK.script)).toString(), LIBRARY_PLAYBOOK.body);
  assert.deepEqual(await root.getChildren(), [], 'it is yours now: gone from the Library section');
});

test("Track makes a teammate's playbook a synced one here (its pending review asks a reason first); the next sync brings the team's new version", async (t) => {
  const s = await libraryServer(t);
  const teammate = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  await teammate.svc.store.createPlaybook({ name: 'Rotate keys', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo v1\n' }] });
  assert.equal(await publishFlow(teammate.ctx, { playbookId: 'rotate-keys' }, 'uploaded_for_review'), 'published');
  const answers: Answer[] = [];
  const { svc, ui, ctx } = await commandEnv(t, { answers, serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  const { host, team } = commandsHost(ctx, svc);
  await team.refresh();
  const [row] = await new TeamRootNode(team).getChildren();
  ui.messageChoices.push('Use Anyway…');
  answers.push('we need it tonight');
  assert.equal(await trackFlow(ctx, host.team, row), 'rotate-keys');
  assert.match(ui.messages[0]?.text ?? '', /pending review/);
  const tracked = await svc.store.getPlaybook('rotate-keys');
  assert.deepEqual([tracked.area, tracked.metadata.version], ['synced', '1.0.1']);
  assert.equal((await svc.store.readScript(tracked, 'shell/run.sh')).toString(), 'echo v1\n');
  assert.deepEqual(await new TeamRootNode(team).getChildren(), [], 'tracked: listed under Synced, not Team');
  await teammate.svc.store.updatePlaybook('rotate-keys', { scripts: [{ path: 'shell/run.sh', content: 'echo v2\n' }] });
  await teammate.svc.publisher.syncAllMetadata();
  await svc.publisher.syncAllMetadata();
  const next = await svc.store.getPlaybook('rotate-keys');
  assert.equal(next.metadata.version, '1.0.2');
  assert.equal((await svc.store.readScript(next, 'shell/run.sh')).toString(), 'echo v2\n');
});
