import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DESTRUCTIVE_PENALTY, actionFactor, nameAction } from '../../../src/core/local-search/action-intent';
import { LocalSearch } from '../../../src/core/local-search/local-search';
import { conceptsOf } from '../../../src/core/local-search/synonyms';
import { WorkerEmbedder } from '../../../src/core/local-search/worker-embedder';
import { resolveConfig } from '../../../src/core/shared/config';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { MemorySecrets } from '../../helpers/memory-secrets';

test('a playbook’s action is the verb of its name, in any of its spellings', () => {
  assert.equal(nameAction('AWSConfigRemediation-DeleteRDSInstance'), '~delete');
  assert.equal(nameAction('AWS-RestartEC2Instance'), '~restart');
  assert.equal(nameAction('Tear down the staging VPC'), '~delete');
  assert.equal(nameAction('AWSSupport-TroubleshootSSH'), '~troubleshoot');
  assert.equal(nameAction('Nightly EBS snapshot'), undefined);
});

test('a destructive playbook is lowered only when the query asks for no destructive action', () => {
  const lowered = 1 - DESTRUCTIVE_PENALTY;
  assert.equal(actionFactor('~delete', conceptsOf('nightly snapshot of the data disk')), lowered);
  assert.equal(actionFactor('~stop', conceptsOf('rds instance')), lowered);
  assert.equal(actionFactor('~delete', conceptsOf('nuke the orphaned disks')), 1);
  assert.equal(actionFactor('~delete', conceptsOf('purge old snapshots')), 1);
  // Asking for a different destructive action still asks for one: no guess at which.
  assert.equal(actionFactor('~delete', conceptsOf('shut down the dev boxes')), 1);
  // Protection: the delete named is what the user wants to prevent.
  assert.equal(actionFactor('~delete', conceptsOf('make sure nobody can accidentally drop the prod cluster')), lowered);
  assert.equal(actionFactor('~create', conceptsOf('nightly snapshot')), 1);
  assert.equal(actionFactor(undefined, conceptsOf('delete it')), 1);
});

// Through a real LocalSearch with the real model: what a user sees in the result order.
let home: string;
let model: WorkerEmbedder;
let search: LocalSearch;
before(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-action-'));
  const config = resolveConfig({ home }, {});
  const store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new MemorySecrets() });
  const made = await store.createPlaybooks([
    { name: 'Delete EBS volume snapshots', description: 'Deletes the EBS snapshots of a volume that are older than a number of days: lists the snapshots, keeps the newest snapshot, deletes each older snapshot.', cloud_provider: 'aws' },
    { name: 'Create EBS snapshot', description: 'Creates a point-in-time copy of an EBS volume.', cloud_provider: 'aws' },
    { name: 'Delete RDS cluster', description: 'Deletes an Aurora or RDS database cluster.', cloud_provider: 'aws' },
    { name: 'Enable RDS cluster deletion protection', description: 'Turns on deletion protection for an RDS cluster.', cloud_provider: 'aws' },
  ]);
  assert.ok(made.every((r) => r.ok));
  model = new WorkerEmbedder({ kind: 'use-lite' });
  search = new LocalSearch({ config, store, embedder: model });
  await search.start();
});
after(async () => {
  await search?.close();
  await model?.dispose();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

async function first(query: string): Promise<string> {
  return (await search.searchLocalPlaybooks(query, { limit: 5 })).hits[0]!.name;
}

test('a search that names the object but no action does not put the delete playbook first; asking for the delete does', async () => {
  assert.equal(await first('nightly snapshot of the data disk'), 'Create EBS snapshot');
  assert.equal(await first('get rid of old snapshots'), 'Delete EBS volume snapshots');
  assert.equal(await first('make sure nobody can accidentally drop the aurora cluster'), 'Enable RDS cluster deletion protection');
  assert.equal(await first('drop the aurora cluster'), 'Delete RDS cluster');
});
