import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishFlow } from '../../../src/extension/commands/publish';
import { searchEscherFlow } from '../../../src/extension/search/search-escher';
import { searchRows } from '../../../src/extension/search/search-flow';
import { LIBRARY_PLAYBOOK } from '../../e2e/harness/fixtures';
import { AUTHOR_TOKEN, TEST_TENANT, TEST_TOKEN } from '../../helpers/dev-server';
import { commandEnv } from '../helpers/command-env';
import { libraryServer } from '../helpers/library-server';

test("search lists a teammate's playbook with a Team badge and its review, and a library one with a Library badge; choosing the team hit offers Clone to Local", async (t) => {
  const s = await libraryServer(t);
  const teammate = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  await teammate.svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops non-production RDS databases on Friday evening', cloud_provider: 'aws', resource_types: ['rds'] });
  assert.equal(await publishFlow(teammate.ctx, { playbookId: 'weekend-rds-shutdown' }, 'uploaded_for_review'), 'published');
  const { svc, ctx } = await commandEnv(t, { serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.teamCatalog.refresh();
  await svc.libraryCatalog.refresh();
  const rows = await searchRows(ctx, 'turn off the database on friday night');
  const team = rows.find((r) => r.label === '$(organization) Weekend RDS shutdown');
  assert.ok(team, rows.map((r) => r.label).join(' | '));
  assert.equal(team.description, 'weekend-rds-shutdown · v1.0.1 · Team, in review · aws');
  const last = rows.at(-1);
  assert.equal(last?.label, '$(cloud) Search Escher…');
  assert.deepEqual(last?.value, { serverQuery: 'turn off the database on friday night' });
  const lib = (await searchRows(ctx, 'stop an rds instance')).find((r) => r.label.startsWith('$(library)'));
  assert.match(lib?.description ?? '', new RegExp(`^${LIBRARY_PLAYBOOK.id} · v[0-9.]+ · Library`));
});

test("Search Escher resolves the server agent's references and says where each one lives; choosing a team one offers its actions", async (t) => {
  const s = await libraryServer(t);
  const teammate = await commandEnv(t, { answers: [true], serverUrl: s.url, tenantId: TEST_TENANT, token: AUTHOR_TOKEN });
  await teammate.svc.store.createPlaybook({ name: 'Rotate IAM keys', description: 'Rotates the access keys of IAM users', cloud_provider: 'aws', resource_types: ['iam'] });
  assert.equal(await publishFlow(teammate.ctx, { playbookId: 'rotate-iam-keys' }, 'uploaded_for_review'), 'published');
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['Rotate IAM keys', 'Clone to Local'], serverUrl: s.url, tenantId: TEST_TENANT, token: TEST_TOKEN });
  await svc.teamCatalog.refresh();
  const ref = await searchEscherFlow(ctx, 'rotate iam keys');
  assert.deepEqual([ref?.playbook_id, ref?.source, ref?.location], ['rotate-iam-keys', 'tenant', 'remote']);
  const offered = ui.picks[0];
  const row = offered?.labels.indexOf('$(organization) Rotate IAM keys') ?? -1;
  assert.ok(row >= 0, offered?.labels.join(' | '));
  assert.deepEqual(ui.picks[1]?.labels, ['$(info) Show Details', '$(repo-clone) Clone to Local', '$(eye) Track', '$(go-to-file) Resolve Script…']);
  assert.deepEqual(ui.commands, [{ command: 'escher.cloneToLocal', args: [{ playbookId: 'rotate-iam-keys', version: '1.0.1' }] }]);
});

test('Search Escher without a server says so', async (t) => {
  const { ui, ctx } = await commandEnv(t);
  assert.equal(await searchEscherFlow(ctx, 'anything'), undefined);
  assert.match(ui.messages[0]?.text ?? '', /No Escher server is configured/);
});
