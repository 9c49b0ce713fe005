import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseStorePath, parseVersionDirName } from '../../../src/core/playbook-store/layout';
import { formatOf, validateScriptPath, validateVersion } from '../../../src/core/playbook-store/names';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { ValidationError } from '../../../src/core/shared/errors';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { ageTree } from '../../helpers/age-tree';
import { tempDir } from '../../helpers/temp-dir';

/**
 * The store's naming rules have one owner each (names.ts, layout.ts), and the store exposes what
 * other components used to re-derive by reading its folders: listVersions, parseStorePath and
 * the versions its listing skipped.
 */
async function setup(t: TestContext) {
  const dir = path.join(await tempDir(t, 'escher-paths-'), 'playbooks');
  const secrets = new MemorySecrets();
  const open = () => new PlaybookStore({ playbooksDir: dir, secrets });
  return { dir, store: open(), open };
}

test('versions: semver without build metadata, in folders named v<version>', () => {
  assert.equal(validateVersion('1.2.0'), '1.2.0');
  assert.equal(validateVersion('2.0.0-rc.1'), '2.0.0-rc.1');
  for (const bad of ['1.2', 'v1.2.0', '1.2.0+build.5', '01.2.0', '', 7, undefined, '1.0.0\n']) {
    assert.throws(() => validateVersion(bad), ValidationError, String(bad));
  }
  assert.equal(parseVersionDirName('v1.0.0'), '1.0.0');
  for (const bad of ['1.0.0', 'v1.0', 'v1.0.0+x', 'V1.0.0', 'v', '.tmp-v1.0.0-1-abcdef12']) assert.equal(parseVersionDirName(bad), undefined, bad);
});

test('script paths: a known format folder first, every segment safe, one error type whoever asks', () => {
  assert.equal(validateScriptPath('shell/stop.sh'), 'shell/stop.sh');
  assert.equal(formatOf('terraform/modules/main.tf'), 'terraform');
  for (const bad of ['stop.sh', 'ruby/x.rb', 'shell/../x.sh', '/shell/x.sh', 'shell\\x.sh', 'shell//x.sh', 'shell/x\u0000.sh', 42]) {
    assert.throws(() => validateScriptPath(bad), ValidationError, String(bad));
  }
  assert.throws(() => validateScriptPath('ruby/x.rb'), (e: ValidationError) => /must start with a format folder/.test(e.message) && /shell\//.test(e.hint ?? ''));
});

test('parseStorePath: area, id, version and the path inside the version folder; nothing for other places', () => {
  const root = path.resolve('/home/u/.escher/playbooks');
  assert.deepEqual(parseStorePath(root, path.join(root, 'synced', 'rds-stop', 'v1.2.0', 'shell', 'stop.sh')), { area: 'synced', playbookId: 'rds-stop', version: '1.2.0', file: 'shell/stop.sh' });
  assert.deepEqual(parseStorePath(root, path.join(root, 'local', 'x', 'v1.0.0')), { area: 'local', playbookId: 'x', version: '1.0.0', file: '' });
  for (const p of [
    root,
    path.join(root, 'local'),
    path.join(root, 'local', 'x'),
    path.join(root, 'local', 'x', 'v1.0', 'metadata.json'),
    path.join(root, 'local', 'x', '.tmp-v1.0.0-12-abcdef12', 'metadata.json'),
    path.join(root, 'local', '.trash-x-12-abcdef12', 'v1.0.0', 'metadata.json'),
    path.join(root, 'elsewhere', 'x', 'v1.0.0', 'metadata.json'),
    path.join(root, '..', 'cache', 'local', 'x', 'v1.0.0', 'metadata.json'),
    path.join(root, 'local', 'x', 'v1.0.0', '..', '..', '..', '..', 'etc', 'passwd'),
  ]) {
    assert.equal(parseStorePath(root, p), undefined, p);
  }
});

test('the store: listVersions holds every version folder; listSkipped says which ones the listing left out and why', async (t) => {
  const { dir, store, open } = await setup(t);
  await store.createPlaybook({ name: 'Stop RDS', description: 'stops it' });
  await store.updatePlaybook('stop-rds', { description: 'v2' });
  const broken = await store.createPlaybook({ name: 'Broken', description: 'soon' });
  assert.deepEqual(await store.listSkipped(), []);

  // A newer version with a hand-damaged metadata.json, and a playbook none of whose versions reads.
  const v3 = path.join(dir, 'local', 'stop-rds', 'v1.0.2');
  await fs.cp(path.join(dir, 'local', 'stop-rds', 'v1.0.1'), v3, { recursive: true });
  await fs.writeFile(path.join(broken.dir, 'metadata.json'), '{ not json');
  await ageTree(dir);
  assert.deepEqual(await store.listVersions('stop-rds'), ['1.0.0', '1.0.1', '1.0.2']);
  await assert.rejects(store.listVersions('no-such'), /No playbook "no-such"/);

  const listed = await store.listPlaybooks();
  assert.deepEqual(listed.map((s) => [s.playbook_id, s.version, s.versions]), [['stop-rds', '1.0.1', ['1.0.0', '1.0.1']]]);
  const expected = [
    { area: 'local', playbookId: 'broken', version: '1.0.0', file: path.join(broken.dir, 'metadata.json'), reason: `${path.join(broken.dir, 'metadata.json')} is not valid JSON` },
    { area: 'local', playbookId: 'stop-rds', version: '1.0.2', file: path.join(v3, 'metadata.json'), reason: 'version "1.0.1" does not match its folder "v1.0.2"' },
  ];
  assert.deepEqual(await store.listSkipped(), expected);
  // Another process, starting from the saved catalog, knows the same: stop-rds is not rescanned
  // (its skipped version comes from the saved watch list); only the unreadable playbook is,
  // as every listing rescans those.
  const other = open();
  assert.deepEqual(await other.listSkipped(), expected);
  assert.deepEqual(other.catalogStats(), { rescanned: 1, source: 'file' });
  assert.deepEqual(store.parseStorePath(path.join(v3, 'metadata.json')), { area: 'local', playbookId: 'stop-rds', version: '1.0.2', file: 'metadata.json' });

  // Removed by hand: nothing is skipped any more.
  await fs.rm(v3, { recursive: true });
  await fs.rm(path.join(dir, 'local', 'broken'), { recursive: true });
  assert.deepEqual(await store.listSkipped(), []);
});
