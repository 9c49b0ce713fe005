import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { PlaybookSummary } from '../../../src/core/playbook-store/types';
import { GroupNode } from '../../../src/extension/tree/group-node';
import { groupByCloud, groupByResourceType } from '../../../src/extension/tree/grouping';
import { PlaybookNode } from '../../../src/extension/tree/playbook-node';
import { playbookTooltip } from '../../../src/extension/tree/playbook-tooltip';
import { PlaybookTreeModel } from '../../../src/extension/tree/playbook-tree-model';
import { findPlaybookRow, playbooksSection, sectionRoots } from '../../../src/extension/tree/sections';
import { serviceOf } from '../../../src/extension/tree/service-names';
import type { TreeNode } from '../../../src/extension/tree/tree-node';
import type { PlaybookSyncState } from '../../../src/extension/tree/tree-source';
import { loadRunbooks, SKIP_NO_SHARED } from '../../core/local-search/runbook-corpus';
import { MemorySecrets, tempHome } from '../helpers/temp-home';

async function setup(t: Parameters<typeof tempHome>[0], sync = new Map<string, PlaybookSyncState>()) {
  const home = await tempHome(t);
  const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new MemorySecrets() });
  const model = new PlaybookTreeModel({ listPlaybooks: () => store.listPlaybooks(), getPlaybook: (id, v) => store.getPlaybook(id, v), syncStates: async () => sync, onDidChange: (l) => store.onDidChange(l) });
  t.after(async () => model.dispose());
  return { store, model };
}

const label = async (n: TreeNode) => (await n.getTreeItem()).label;
const labels = (ns: TreeNode[]) => Promise.all(ns.map(label));

const summary = (over: Partial<PlaybookSummary>): PlaybookSummary => ({
  playbook_id: 'x',
  version: '1.0.0',
  versions: ['1.0.0'],
  area: 'local',
  name: 'X',
  description: '',
  keywords: [],
  cloud_provider: 'aws',
  resource_types: [],
  storage_strategy: 'local_only',
  source: 'user',
  formats: [],
  updated_at: '2026-11-27T12:00:00.000Z',
  content_hash: 'a'.repeat(64),
  ...over,
});

test('the service of a playbook: its resource type first, else the words of its name, else of its description', () => {
  assert.equal(serviceOf(summary({ resource_types: ['AWS::RDS::DBInstance'] })), 'RDS');
  assert.equal(serviceOf(summary({ resource_types: ['rds', 'ec2'] })), 'RDS');
  assert.equal(serviceOf(summary({ resource_types: ['my-custom-thing'] })), 'my-custom-thing');
  assert.equal(serviceOf(summary({ cloud_provider: 'azure', resource_types: ['Microsoft.Sql/servers'] })), 'SQL Database');
  assert.equal(serviceOf(summary({ name: 'AWS-RestartEC2Instance' })), 'EC2');
  // The publisher prefix is not the service ("Config" is a service of its own).
  assert.equal(serviceOf(summary({ name: 'AWSConfigRemediation-EnablePITRForDynamoDbTable' })), 'DynamoDB');
  assert.equal(serviceOf(summary({ name: 'AWS-CreateImage', description: 'Create a new Amazon Machine Image (AMI) from an Amazon EC2 instance.' })), 'EC2');
  assert.equal(serviceOf(summary({ name: 'AWS-CreateJiraIssue', description: 'Create an issue in Jira.' })), undefined);
  assert.equal(serviceOf(summary({ cloud_provider: 'gcp', name: 'Resize GKE node pool' })), 'GKE');
});

test('the 175 AWS runbooks group into services, with few left over', (t) => {
  const runbooks = loadRunbooks();
  if (!runbooks) return t.skip(SKIP_NO_SHARED);
  const list = runbooks.map((r, i) => summary({ playbook_id: `r${i}`, name: r.name, description: r.description }));
  const [aws] = groupByCloud(list);
  assert.equal(aws?.label, 'AWS');
  const size = new Map(aws?.services.map((s) => [s.label, s.playbooks.length]));
  assert.ok((size.get('EC2') ?? 0) >= 15 && (size.get('RDS') ?? 0) >= 15 && (size.get('S3') ?? 0) >= 10, JSON.stringify([...size]));
  assert.ok((size.get('Other') ?? 0) <= 10, `${size.get('Other')} runbooks name no service`);
  assert.equal(aws?.services.at(-1)?.label, 'Other', '"Other" comes last');
});

test('by resource type, a service two clouds share is told apart by its cloud; clouds keep their usual order', () => {
  const list = [
    summary({ playbook_id: 'a', cloud_provider: 'gcp', resource_types: ['iam'] }),
    summary({ playbook_id: 'b', cloud_provider: 'aws', resource_types: ['iam'] }),
    summary({ playbook_id: 'c', cloud_provider: 'azure', resource_types: ['aks'] }),
  ];
  assert.deepEqual(groupByCloud(list).map((c) => c.label), ['AWS', 'Azure', 'Google Cloud']);
  assert.deepEqual(groupByResourceType(list).map((g) => [g.label, g.key, g.cloud]), [['AKS', 'AKS', undefined], ['IAM', 'aws/IAM', 'aws'], ['IAM', 'gcp/IAM', 'gcp']]);
});

test('grouping by cloud shows AWS → service groups → playbooks; a group counts what needs the user; the toggle re-draws', async (t) => {
  const sync = new Map<string, PlaybookSyncState>();
  const { store, model } = await setup(t, sync);
  model.setGroupBy('cloud');
  await store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'x', cloud_provider: 'aws', resource_types: ['rds'] });
  await store.createPlaybook({ name: 'Snapshot RDS', description: 'x', cloud_provider: 'aws', resource_types: ['rds'] });
  await store.createPlaybook({ name: 'AWS-RestartEC2Instance', description: 'Restart an instance', cloud_provider: 'aws' });
  await store.createPlaybook({ name: 'Scale AKS', description: 'x', cloud_provider: 'azure', resource_types: ['aks'] });
  sync.set('snapshot-rds', { phase: 'conflict', detail: 'both changed' });
  model.invalidate();
  const [local] = await sectionRoots([playbooksSection(model)]);
  const clouds = (await local!.getChildren()) as GroupNode[];
  assert.deepEqual(await labels(clouds), ['AWS', 'Azure']);
  assert.equal(clouds[0]!.getTreeItem().description, '3 · 1 conflict');
  const services = (await clouds[0]!.getChildren()) as GroupNode[];
  assert.deepEqual(await labels(services), ['EC2', 'RDS']);
  assert.deepEqual(services.map((s) => s.getTreeItem().collapsible), ['expanded', 'expanded'], 'a small store opens its groups');
  assert.deepEqual(await labels(await services[1]!.getChildren()), ['Snapshot RDS', 'Weekend RDS shutdown']);
  // Ids stay unique per place: the same playbook under another grouping is another row.
  const grouped = (await services[1]!.getChildren())[0]!.getTreeItem() as { id: string };
  assert.equal(grouped.id, 'pb:local/aws/RDS/snapshot-rds');

  let fired = 0;
  model.onDidChangeData(() => fired++);
  model.setGroupBy('resourceType');
  assert.equal(fired, 1);
  const byType = await (await sectionRoots([playbooksSection(model)]))[0]!.getChildren();
  assert.deepEqual(await labels(byType), ['AKS', 'EC2', 'RDS']);
  model.setGroupBy('flat');
  const flat = await (await sectionRoots([playbooksSection(model)]))[0]!.getChildren();
  assert.deepEqual(await labels(flat), ['AWS-RestartEC2Instance', 'Scale AKS', 'Snapshot RDS', 'Weekend RDS shutdown']);
});

test('a large area keeps its service groups closed; the row of a created playbook is found wherever the grouping puts it', async (t) => {
  const { store, model } = await setup(t);
  model.setGroupBy('cloud');
  for (let i = 0; i < 25; i++) await store.createPlaybook({ name: `Backup bucket ${i}`, description: 'x', cloud_provider: 'aws', resource_types: ['s3'] });
  await store.createPlaybook({ name: 'Weekend RDS shutdown', description: 'x', cloud_provider: 'aws', resource_types: ['rds'] });
  const section = playbooksSection(model);
  const [local] = await sectionRoots([section]);
  const [aws] = (await local!.getChildren()) as GroupNode[];
  assert.deepEqual(((await aws!.getChildren()) as GroupNode[]).map((g) => g.getTreeItem().collapsible), ['collapsed', 'collapsed']);
  const row = await findPlaybookRow([section], 'weekend-rds-shutdown');
  assert.ok(row instanceof PlaybookNode);
  assert.deepEqual([await label(row.parent!), await label(row.parent!.parent!), await label(row.parent!.parent!.parent!)], ['RDS', 'AWS', 'Local']);
  assert.equal(await findPlaybookRow([section], 'no-such-playbook'), undefined);
});

test('tooltips break their lines and say how long ago, with the exact time beside it', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  const s = summary({ name: 'Weekend RDS shutdown', playbook_id: 'weekend-rds-shutdown', description: 'Stops RDS.\nStarts it Monday.', resource_types: ['rds'], formats: ['shell'], updated_at: '2026-11-27T09:30:00.000Z', versions: ['1.0.0', '1.1.0'], version: '1.1.0' });
  const html = new MarkdownIt().render(playbookTooltip(s, 'Keep Private: never leaves this machine.', now));
  assert.match(html, /<strong>Weekend RDS shutdown<\/strong><br>\n<code>weekend-rds-shutdown<\/code> · v1\.1\.0 · 2 versions/);
  assert.match(html, /Stops RDS\.<br>\nStarts it Monday\./);
  assert.match(html, /Cloud: AWS · RDS \(rds\)<br>\nScripts: shell<br>\nUpdated 3 days ago \(2026-11-27 09:30 UTC\)/);
});

test('groups drawn open while an import was small are new rows once the area is large: they close, whatever bursts the import came in', async (t) => {
  const { store, model } = await setup(t);
  model.setGroupBy('cloud');
  const serviceItems = async () => {
    const [local] = await sectionRoots([playbooksSection(model)]);
    const [aws] = (await local!.getChildren()) as GroupNode[];
    return ((await aws!.getChildren()) as GroupNode[]).map((g) => g.getTreeItem());
  };
  await store.createPlaybook({ name: 'Backup bucket 0', description: 'x', cloud_provider: 'aws', resource_types: ['s3'] });
  model.invalidate();
  const small = await serviceItems();
  assert.deepEqual(small.map((i) => i.collapsible), ['expanded']);
  for (let i = 1; i < 25; i++) await store.createPlaybook({ name: `Backup bucket ${i}`, description: 'x', cloud_provider: 'aws', resource_types: ['s3'] });
  model.invalidate();
  const large = await serviceItems();
  assert.deepEqual(large.map((i) => i.collapsible), ['collapsed']);
  // VS Code would keep the open state of a known id: the large area's S3 group must be another id.
  assert.notEqual(large[0]!.id, small[0]!.id);
  await store.createPlaybook({ name: 'Backup bucket 25', description: 'x', cloud_provider: 'aws', resource_types: ['s3'] });
  model.invalidate();
  assert.equal((await serviceItems())[0]!.id, large[0]!.id, 'while the area stays large the id is stable, so a group the user opened stays open');
});
