import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { ageTree } from '../../helpers/age-tree';
import { tempDir } from '../../helpers/temp-dir';

/**
 * The listing catalog must (a) not rescan anything when nothing changed and (b) never show stale
 * data: changes by this store, by another process, and by hand all show up on the next list().
 */
async function setup(t: TestContext, n = 3) {
  const dir = path.join(await tempDir(t, 'escher-catalog-'), 'playbooks');
  const secrets = new MemorySecrets();
  const open = () => new PlaybookStore({ playbooksDir: dir, secrets });
  const store = open();
  for (let i = 0; i < n; i++) await store.createPlaybook({ name: `Playbook ${i}`, description: `number ${i}` });
  await ageTree(dir);
  return { dir, store, open };
}

async function names(store: PlaybookStore): Promise<string[]> {
  return (await store.listPlaybooks()).map((s) => `${s.playbook_id}@${s.version}:${s.name}`);
}

test('a warm listing rescans nothing, from memory or from .catalog.json in a new process', async (t) => {
  const { dir, store, open } = await setup(t);
  assert.equal((await store.listPlaybooks()).length, 3);
  assert.equal(store.catalogStats().rescanned, 3, 'first listing builds the catalog');
  const catalog = JSON.parse(await fs.readFile(path.join(dir, '.catalog.json'), 'utf8')) as { format: string; entries: unknown[][] };
  assert.equal(catalog.format, 'escher-catalog/v2');
  assert.equal(catalog.entries.length, 3);
  // Each summary is kept as JSON text, exactly what listPlaybooks() returns.
  assert.deepEqual(
    catalog.entries.map((e) => JSON.parse(e[5] as string) as unknown),
    await store.listPlaybooks(),
  );
  await store.listPlaybooks();
  assert.deepEqual(store.catalogStats(), { rescanned: 0, source: 'memory' });
  const other = open();
  assert.equal((await other.listPlaybooks()).length, 3);
  assert.deepEqual(other.catalogStats(), { rescanned: 0, source: 'file' });
});

test('hand edits of metadata.json show up, even a same-size edit within the timestamp granularity', async (t) => {
  const { dir, store } = await setup(t);
  await store.listPlaybooks();
  const file = path.join(dir, 'local', 'playbook-1', 'v1.0.0', 'metadata.json');
  const edit = async (name: string) => {
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...m, name }, null, 2) + '\n');
  };
  await edit('AAAA');
  assert.ok((await names(store)).includes('playbook-1@1.0.0:AAAA'));
  assert.equal(store.catalogStats().rescanned, 1, 'only the edited playbook is re-read');
  // Same size, and the mtime forced back to what the catalog recorded: only the racy rule can catch this.
  const st = await fs.stat(file);
  await edit('BBBB');
  await fs.utimes(file, st.atime, st.mtime);
  assert.ok((await names(store)).includes('playbook-1@1.0.0:BBBB'));
});

test('versions and playbooks added or removed by hand or by another process show up', async (t) => {
  const { dir, store, open } = await setup(t);
  await store.listPlaybooks();
  // Another process (another store instance) adds a version and a playbook.
  const other = open();
  await other.updatePlaybook('playbook-0', { description: 'v2' });
  await other.createPlaybook({ name: 'From elsewhere', description: '' });
  assert.deepEqual(await names(store), ['from-elsewhere@1.0.0:From elsewhere', 'playbook-0@1.0.1:Playbook 0', 'playbook-1@1.0.0:Playbook 1', 'playbook-2@1.0.0:Playbook 2']);
  await ageTree(dir);
  await store.listPlaybooks();
  // By hand: copy a version folder, delete a playbook folder, move one to another area.
  const pb2 = path.join(dir, 'local', 'playbook-2');
  await fs.cp(path.join(pb2, 'v1.0.0'), path.join(pb2, 'v1.1.0'), { recursive: true });
  const meta = JSON.parse(await fs.readFile(path.join(pb2, 'v1.1.0', 'metadata.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(pb2, 'v1.1.0', 'metadata.json'), JSON.stringify({ ...meta, version: '1.1.0', name: 'Copied' }));
  await fs.rm(path.join(dir, 'local', 'from-elsewhere'), { recursive: true });
  await fs.rename(path.join(dir, 'local', 'playbook-1'), path.join(dir, 'synced', 'playbook-1'));
  const list = await store.listPlaybooks();
  assert.deepEqual(
    list.map((s) => [s.playbook_id, s.area, s.version, s.name]),
    [
      ['playbook-0', 'local', '1.0.1', 'Playbook 0'],
      ['playbook-1', 'synced', '1.0.0', 'Playbook 1'],
      ['playbook-2', 'local', '1.1.0', 'Copied'],
    ],
  );
});

test('a damaged or foreign catalog file is rebuilt, not trusted', async (t) => {
  const { dir, store, open } = await setup(t);
  await store.listPlaybooks();
  for (const junk of [
    '{"format":"escher-catalog/v2","entr',
    '[]',
    '{"format":"something-else","areas":{},"entries":[]}',
    '{"format":"escher-catalog/v2","areas":{},"entries":[{"area":"local"}]}',
    '{"format":"escher-catalog/v2","areas":{},"entries":[["local","x",0,null,"not-a-list",null]]}',
  ]) {
    await fs.writeFile(path.join(dir, '.catalog.json'), junk);
    const fresh = open();
    assert.equal((await fresh.listPlaybooks()).length, 3, junk);
    assert.equal(fresh.catalogStats().source, 'none');
  }
});

test('listPlaybooksJson prints what listPlaybooks returns; an old-format catalog is rebuilt without a warning', async (t) => {
  const { dir, store, open } = await setup(t);
  const objects = await store.listPlaybooks();
  const rows = await store.listPlaybooksJson();
  assert.deepEqual(
    rows.map((r) => JSON.parse(r.json) as unknown),
    objects,
  );
  assert.deepEqual((await store.listPlaybooksJson({ area: 'synced' })).length, 0);
  await fs.writeFile(path.join(dir, '.catalog.json'), '{"format":"escher-catalog/v1","areas":{},"entries":[]}');
  const warnings: string[] = [];
  const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
  const upgraded = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets(), logger });
  assert.deepEqual(await upgraded.listPlaybooks(), objects);
  assert.deepEqual(warnings, []);
  await fs.writeFile(path.join(dir, '.catalog.json'), '{"format":"escher-catalog/v2","entr');
  const damaged = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets(), logger });
  assert.equal((await damaged.listPlaybooks()).length, 3);
  assert.match(warnings.join('\n'), /catalog is damaged/);
  assert.equal((await open().listPlaybooks()).length, 3);
});

test('listing a home that has no store yet returns nothing and creates nothing', async (t) => {
  const home = await tempDir(t, 'escher-empty-');
  const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new MemorySecrets() });
  assert.deepEqual(await store.listPlaybooks(), []);
  assert.deepEqual(await fs.readdir(home), []);
});
