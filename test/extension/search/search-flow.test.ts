import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { silentLogger } from '../../../src/core/shared/logger';
import { SearchIndexUse } from '../../../src/extension/search/search-index-use';
import { searchAnswer, searchCommand, searchRows } from '../../../src/extension/search/search-flow';
import type { SearchChoice } from '../../../src/extension/search/search-flow';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { commandEnv } from '../helpers/command-env';

const idOf = (v: SearchChoice | undefined) => (typeof v === 'object' && 'playbook_id' in v ? v.playbook_id : v);

async function twoPlaybooks(svc: Awaited<ReturnType<typeof commandEnv>>['svc']): Promise<void> {
  await svc.store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'Stops non-production RDS databases on Friday evening', cloud_provider: 'aws', resource_types: ['rds'] });
  await svc.store.createPlaybook({ name: 'Rotate IAM keys', description: 'Rotates the access keys of IAM users', cloud_provider: 'aws', resource_types: ['iam'] });
}

test('Search: typed words list the playbook that means it, saying why; choosing it offers the next commands', async (t) => {
  const { svc, ui, ctx } = await commandEnv(t, { answers: ['turn off the database on friday night', 'Weekend RDS shutdown', 'Open metadata.json'] });
  await twoPlaybooks(svc);
  const index = new SearchIndexUse(async () => svc, () => svc, silentLogger);
  const hit = await searchCommand(ctx, index, 0);
  assert.equal(hit?.playbook_id, 'weekend-rds-shutdown');
  const rows = ui.livePicks[0]?.rows ?? [];
  assert.equal(rows[0]?.label, '$(book) Weekend RDS shutdown');
  assert.match(rows[0]?.description ?? '', /^weekend-rds-shutdown · v1\.0\.0 · Local · aws$/);
  assert.match(rows[0]?.detail ?? '', /Stops non-production RDS/);
  assert.match(ui.prompts.at(-1) ?? '', /^pick: Weekend RDS shutdown \(weekend-rds-shutdown v1\.0\.0\)/);
  assert.deepEqual(ui.commands, [{ command: 'escher.openMetadata', args: [{ playbookId: 'weekend-rds-shutdown', version: '1.0.0', area: 'local' }] }]);
});

test('Search rows: nothing typed asks nothing; filters narrow; no match says so; a broken model is one error row', async (t) => {
  const { svc, ctx } = await commandEnv(t);
  await twoPlaybooks(svc);
  assert.deepEqual(await searchRows(ctx, '   cloud:aws '), []);
  assert.deepEqual((await searchRows(ctx, 'rotate keys cloud:azure')).map((r) => [r.label, r.value]), [['$(search-stop) No matching playbooks', undefined]]);
  assert.equal(idOf((await searchRows(ctx, 'rotate keys cloud:aws'))[0]?.value), 'rotate-iam-keys');

  const broken = await commandEnv(t);
  broken.svc.config.search.embeddingModel = 'hf:no-such/model';
  await twoPlaybooks(broken.svc);
  const rows = await searchRows(broken.ctx, 'rotate keys');
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.value, undefined, 'an error is information, not a choice');
  assert.match(rows[0]?.label ?? '', /^\$\(error\) Search failed: embedding model no-such\/model is not in .*models.*\(copy the model folder/);
});

test('the search index follows outside changes only once search is in use', async (t) => {
  const { svc, ctx } = await commandEnv(t);
  await twoPlaybooks(svc);
  const index = new SearchIndexUse(async () => svc, () => svc, silentLogger);
  // Before the first search an outside change costs nothing: no index is built, no model loaded.
  await index.afterOutsideChange();
  await assert.rejects(fs.stat(svc.search.indexFile), { code: 'ENOENT' });

  await index.start();
  // A playbook written by another process (the CLI): the service's store sends no change event.
  const cli = new PlaybookStore({ playbooksDir: svc.config.playbooksDir, secrets: new MemorySecrets() });
  await cli.createPlaybook({ name: 'Patch EC2 fleet', description: 'Applies OS patches to every EC2 instance', cloud_provider: 'aws', resource_types: ['ec2'] });
  await index.afterOutsideChange();
  assert.equal(idOf((await searchRows(ctx, 'patch ec2 instances'))[0]?.value), 'patch-ec2-fleet');
});

test('Search rows: an unknown filter value is an error naming the valid ones, not silently ignored', async (t) => {
  const { svc, ctx } = await commandEnv(t);
  await twoPlaybooks(svc);
  const rows = await searchRows(ctx, 'rotate keys cloud:amazon');
  assert.deepEqual(rows.map((r) => [r.label, r.value]), [['$(error) unknown cloud "amazon": use one of aws, azure, gcp, oci, multi, other (e.g. cloud:aws)', undefined]]);
  assert.match((await searchRows(ctx, 'x format:bash'))[0]?.label ?? '', /unknown format "bash": use one of shell, .*python/);
});

test('Search rows: a query that matches no word shows no confident results, only weak matches under their own heading', async (t) => {
  const { svc, ctx } = await commandEnv(t);
  await twoPlaybooks(svc);
  const rows = await searchRows(ctx, 'banana bread recipe');
  assert.equal(rows[0]?.label, '$(search-stop) No matching playbooks');
  assert.equal(rows[0]?.description, 'try other words');
  const heading = rows.findIndex((r) => r.separator);
  // Anything listed at all comes after the heading that says it is a guess.
  assert.ok(rows.slice(1).every((r, i) => i + 1 >= heading && heading > 0) || rows.length === 1, JSON.stringify(rows.map((r) => r.label)));
});

test('Search rows: an empty store says so and offers Create Playbook, which runs the command', async (t) => {
  const { ui, ctx } = await commandEnv(t, { answers: ['rotate keys', 'Create Playbook'] });
  const index = new SearchIndexUse(async () => (await ctx.service()), () => undefined, silentLogger);
  assert.equal(await searchCommand(ctx, index, 0), undefined);
  const rows = ui.livePicks[0]?.rows ?? [];
  assert.equal(rows[0]?.label, '$(info) You have no playbooks yet');
  assert.ok(rows.some((r) => r.label === '$(cloud-download) Import Playbooks…' && r.value === 'escher.importPlaybooks'), 'Import is offered as a command, not as a terminal instruction');
  assert.deepEqual(ui.commands, [{ command: 'escher.createPlaybook', args: [] }]);
});

test('Search rows: while a big first indexing runs, "Indexing N playbooks…" is the first row, and the answer says when to ask again', async (t) => {
  const { svc, ctx } = await commandEnv(t);
  await svc.store.createPlaybooks(Array.from({ length: 90 }, (_, i) => ({ name: `Rotate keys ${i}`, description: `Rotates access keys of service user ${i}`, cloud_provider: 'aws' as const })));
  const first = await searchAnswer(ctx, 'rotate keys');
  assert.match(first.rows[0]?.label ?? '', /^\$\(sync~spin\) Indexing \d+ playbooks…$/);
  assert.ok(first.refreshAfter, 'a promise for when the index is complete');
  await first.refreshAfter;
  const again = await searchAnswer(ctx, 'rotate keys');
  assert.doesNotMatch(again.rows[0]?.label ?? '', /Indexing/);
  assert.equal(again.refreshAfter, undefined);
  assert.equal(again.rows.filter((r) => r.value !== undefined).length, 30);
});
