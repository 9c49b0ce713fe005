import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { silentLogger } from '../../../src/core/shared/logger';
import { SearchIndexUse } from '../../../src/extension/search/search-index-use';
import { searchCommand, searchRows } from '../../../src/extension/search/search-flow';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { commandEnv } from '../helpers/command-env';

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
  assert.equal((await searchRows(ctx, 'rotate keys cloud:aws'))[0]?.value?.playbook_id, 'rotate-iam-keys');

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
  assert.equal((await searchRows(ctx, 'patch ec2 instances'))[0]?.value?.playbook_id, 'patch-ec2-fleet');
});
