import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { CreatePlaybookInput, StoreChange } from '../../../src/core/playbook-store/types';
import { generateDataKey } from '../../../src/core/shared/crypto';
import { AlreadyExistsError, CryptoError, IntegrityError, NotFoundError, ValidationError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

async function newStore(t: TestContext, secrets = new MemorySecrets()) {
  const dir = path.join(await tempDir(t, 'escher-store-'), 'playbooks');
  return { store: new PlaybookStore({ playbooksDir: dir, secrets }), dir, secrets };
}

const rds: CreatePlaybookInput = {
  name: 'Weekend RDS Shutdown',
  description: 'Stops tagged RDS instances on Friday evening.',
  keywords: ['rds', 'cost'],
  cloud_provider: 'aws',
  resource_types: ['rds'],
  scripts: [
    { path: 'shell/stop.sh', content: '#!/bin/sh\naws rds stop-db-instance --db-instance-identifier "$1"\n' },
    { path: 'terraform/main.tf', content: 'resource "null_resource" "x" {}\n' },
  ],
  parameters: [{ name: 'region', type: 'string', default: 'eu-west-1', required: true }],
};

test('create writes the seed layout: <area>/<id>/v<version>/metadata.json plus per-format script folders', async (t) => {
  const { store, dir } = await newStore(t);
  const p = await store.createPlaybook(rds);
  assert.equal(p.metadata.playbook_id, 'weekend-rds-shutdown');
  assert.equal(p.metadata.version, '1.0.0');
  assert.equal(p.area, 'local');
  assert.equal(p.dir, path.join(dir, 'local', 'weekend-rds-shutdown', 'v1.0.0'));
  const onDisk = JSON.parse(await fs.readFile(path.join(p.dir, 'metadata.json'), 'utf8')) as typeof p.metadata;
  assert.deepEqual(onDisk, p.metadata);
  assert.deepEqual((await fs.readdir(p.dir)).sort(), ['metadata.json', 'shell', 'terraform']);
  const sh = onDisk.scripts.find((s) => s.path === 'shell/stop.sh')!;
  assert.equal(sh.sha256, sha256(rds.scripts![0]!.content));
  assert.equal(sh.format, 'shell');
  assert.equal(onDisk.schema_version, 1);
  assert.equal(onDisk.storage_strategy, 'local_only');
  assert.equal(onDisk.source, 'user');
  assert.deepEqual((await fs.readdir(path.join(dir, 'local'))).filter((n) => n.startsWith('.')), [], 'no temp folder left behind');
});

test('ids come from the name, are unique across areas, and collisions get a numeric suffix', async (t) => {
  const { store } = await newStore(t);
  const a = await store.createPlaybook({ name: 'Restart EC2', description: '' });
  const b = await store.createPlaybook({ name: 'restart  ec2!!', description: '' });
  const c = await store.createPlaybook({ name: 'Restart EC2', description: '', source: 'ai_generated' });
  assert.deepEqual([a.metadata.playbook_id, b.metadata.playbook_id, c.metadata.playbook_id], ['restart-ec2', 'restart-ec2-2', 'restart-ec2-3']);
  assert.equal(c.area, 'ai-generated');
  const camel = await store.createPlaybook({ name: 'AWS-ASGEnterStandby', description: '' });
  assert.equal(camel.metadata.playbook_id, 'aws-asg-enter-standby');
  await assert.rejects(store.createPlaybook({ name: 'x', description: '', playbook_id: 'restart-ec2' }), AlreadyExistsError);
  const explicit = await store.createPlaybook({ name: 'whatever', description: '', playbook_id: 'my-own-id', version: '0.3.0' });
  assert.equal(explicit.metadata.version, '0.3.0');
});

test('get returns the latest version or the one asked for; unknown ids and versions are NotFoundError', async (t) => {
  const { store } = await newStore(t);
  await store.createPlaybook(rds);
  await store.updatePlaybook('weekend-rds-shutdown', { description: 'v2' });
  assert.equal((await store.getPlaybook('weekend-rds-shutdown')).metadata.version, '1.0.1');
  assert.equal((await store.getPlaybook('weekend-rds-shutdown', '1.0.0')).metadata.description, rds.description);
  await assert.rejects(store.getPlaybook('weekend-rds-shutdown', '9.9.9'), (e: unknown) => e instanceof NotFoundError && /available: 1.0.0, 1.0.1/.test(e.hint ?? ''));
  await assert.rejects(store.getPlaybook('no-such-thing'), NotFoundError);
  await assert.rejects(store.getPlaybook('weekend-rds-shutdown', 'latest'), ValidationError);
});

test('update writes a new version folder and never touches the old one', async (t) => {
  const { store } = await newStore(t);
  const v1 = await store.createPlaybook(rds);
  const before = await snapshot(v1.dir);
  const v2 = await store.updatePlaybook('weekend-rds-shutdown', {
    description: 'Now also snapshots first.',
    scripts: [{ path: 'python/snap.py', content: 'print("snap")\n' }, { path: 'shell/stop.sh', content: 'echo v2\n' }],
    removeScripts: ['terraform/main.tf'],
  });
  assert.equal(v2.metadata.version, '1.0.1');
  assert.deepEqual(await snapshot(v1.dir), before, 'v1.0.0 is immutable');
  assert.deepEqual(v2.metadata.scripts.map((s) => s.path).sort(), ['python/snap.py', 'shell/stop.sh']);
  assert.equal((await store.readScript(v2, 'shell/stop.sh')).toString(), 'echo v2\n');
  assert.equal(v2.metadata.created_at, v1.metadata.created_at);
  assert.equal(v2.metadata.name, rds.name, 'fields not given are carried over');
  assert.equal((await store.updatePlaybook('weekend-rds-shutdown', { bump: 'minor', description: 'minor' })).metadata.version, '1.1.0');
  assert.equal((await store.updatePlaybook('weekend-rds-shutdown', { bump: 'major', description: 'major' })).metadata.version, '2.0.0');
  assert.equal((await store.updatePlaybook('weekend-rds-shutdown', { version: '2.5.0', description: 'exact' })).metadata.version, '2.5.0');
  await assert.rejects(store.updatePlaybook('weekend-rds-shutdown', { version: '2.5.0' }), /not greater than/);
  const fromOld = await store.updatePlaybook('weekend-rds-shutdown', { fromVersion: '1.0.0' });
  assert.equal(fromOld.metadata.version, '2.5.1');
  assert.equal(fromOld.metadata.description, rds.description, 'based on 1.0.0, not on the latest');
  assert.deepEqual(await store.listVersions('weekend-rds-shutdown'), ['1.0.0', '1.0.1', '1.1.0', '2.0.0', '2.5.0', '2.5.1']);
  await assert.rejects(store.updatePlaybook('weekend-rds-shutdown', { removeScripts: ['shell/nope.sh'] }), NotFoundError);
  await assert.rejects(store.updatePlaybook('missing', {}), NotFoundError);
});

test('invalid input is rejected before anything touches the disk', async (t) => {
  const { store, dir } = await newStore(t);
  await store.createPlaybook(rds);
  const before = await snapshot(dir);
  const bad: Array<[string, Partial<CreatePlaybookInput>]> = [
    ['empty name', { name: '' }],
    ['unknown cloud', { cloud_provider: 'mars' as never }],
    ['bad version', { version: 'v1' }],
    ['script outside a format folder', { scripts: [{ path: 'run.sh', content: 'x' }] }],
    ['unknown format folder', { scripts: [{ path: 'ruby/run.rb', content: 'x' }] }],
    ['traversal in script path', { scripts: [{ path: 'shell/../../../etc/passwd', content: 'x' }] }],
    ['duplicate script', { scripts: [{ path: 'shell/a.sh', content: 'x' }, { path: 'shell/a.sh', content: 'y' }] }],
    ['a script beside a folder of its name', { scripts: [{ path: 'shell/a', content: 'x' }, { path: 'shell/a/b.sh', content: 'y' }] }],
    ['scripts differing only in case', { scripts: [{ path: 'shell/Run.sh', content: 'x' }, { path: 'shell/run.sh', content: 'y' }] }],
    ['bad parameter name', { parameters: [{ name: 'has space', type: 'string' }] }],
    ['duplicate parameter', { parameters: [{ name: 'a', type: 'string' }, { name: 'a', type: 'number' }] }],
    ['hostile id', { playbook_id: '../escape' }],
    ['duplicate keywords', { keywords: ['a', 'a'] }],
  ];
  for (const [what, patch] of bad) {
    await assert.rejects(store.createPlaybook({ ...rds, ...patch }), ValidationError, what);
  }
  await assert.rejects(store.updatePlaybook('weekend-rds-shutdown', { scripts: [{ path: '/abs/x.sh', content: '' }] }), ValidationError);
  // An added script that collides with one carried over from the previous version.
  await assert.rejects(store.updatePlaybook('weekend-rds-shutdown', { scripts: [{ path: 'shell/stop.sh/x.sh', content: '' }] }), ValidationError);
  await assert.rejects(store.updatePlaybook('weekend-rds-shutdown', { scripts: [{ path: 'shell/STOP.sh', content: '' }] }), ValidationError);
  assert.deepEqual(await snapshot(dir), before, 'rejected writes leave the store byte-for-byte unchanged');
});

test('delete removes one version, or the whole playbook; deleting the last version deletes the playbook', async (t) => {
  const { store, dir } = await newStore(t);
  await store.createPlaybook(rds);
  await store.updatePlaybook('weekend-rds-shutdown', { description: 'second' });
  await store.deletePlaybook('weekend-rds-shutdown', '1.0.1');
  assert.deepEqual(await store.listVersions('weekend-rds-shutdown'), ['1.0.0']);
  await assert.rejects(store.deletePlaybook('weekend-rds-shutdown', '1.0.1'), NotFoundError);
  await store.deletePlaybook('weekend-rds-shutdown', '1.0.0');
  await assert.rejects(store.getPlaybook('weekend-rds-shutdown'), NotFoundError);
  await store.createPlaybook({ name: 'Two', description: '' });
  await store.deletePlaybook('two');
  assert.deepEqual(await fs.readdir(path.join(dir, 'local')), [], 'no playbook folder and no trash left');
  await assert.rejects(store.deletePlaybook('two'), NotFoundError);
});

test('list shows every area with latest version, versions, formats and a content hash of metadata.json', async (t) => {
  const { store } = await newStore(t);
  await store.createPlaybook(rds);
  await store.updatePlaybook('weekend-rds-shutdown', { keywords: ['rds'] });
  await store.createPlaybook({ name: 'Clean logs', description: 'ai idea', source: 'ai_generated' });
  const synced = await store.createPlaybook({ name: 'Shared one', description: '' });
  await store.movePlaybook(synced.metadata.playbook_id, 'synced');
  const all = await store.listPlaybooks();
  assert.deepEqual(
    all.map((s) => [s.playbook_id, s.area, s.version]),
    [
      ['clean-logs', 'ai-generated', '1.0.0'],
      ['shared-one', 'synced', '1.0.0'],
      ['weekend-rds-shutdown', 'local', '1.0.1'],
    ],
  );
  const w = all.find((s) => s.playbook_id === 'weekend-rds-shutdown')!;
  assert.deepEqual(w.versions, ['1.0.0', '1.0.1']);
  assert.deepEqual(w.formats, ['shell', 'terraform']);
  const latest = await store.getPlaybook('weekend-rds-shutdown');
  assert.equal(w.content_hash, sha256(await fs.readFile(path.join(latest.dir, 'metadata.json'))));
  assert.deepEqual((await store.listPlaybooks({ area: 'synced' })).map((s) => s.playbook_id), ['shared-one']);
});

test('move between areas is one rename; accept and discard only work on ai-generated playbooks', async (t) => {
  const { store, dir } = await newStore(t);
  const ai = await store.createPlaybook({ name: 'Cleanup', description: '', source: 'ai_generated' });
  assert.equal(ai.area, 'ai-generated');
  const accepted = await store.acceptPlaybook('cleanup');
  assert.equal(accepted.area, 'local');
  assert.equal(accepted.metadata.source, 'ai_generated', 'provenance is kept');
  await assert.rejects(store.acceptPlaybook('cleanup'), /it is in local, not ai-generated/);
  await assert.rejects(store.discardPlaybook('cleanup'), ValidationError);
  await store.createPlaybook({ name: 'Junk', description: '', source: 'ai_generated' });
  await store.discardPlaybook('junk');
  await assert.rejects(store.getPlaybook('junk'), NotFoundError);
  const moved = await store.movePlaybook('cleanup', 'synced');
  assert.equal(moved.dir, path.join(dir, 'synced', 'cleanup', 'v1.0.0'));
  assert.equal((await store.movePlaybook('cleanup', 'synced')).area, 'synced', 'moving to the same area is a no-op');
  await assert.rejects(store.movePlaybook('cleanup', 'trash' as never), ValidationError);
});

test('onDidChange reports created, updated, deleted and moved; disposed listeners stop hearing', async (t) => {
  const { store } = await newStore(t);
  const seen: StoreChange[] = [];
  const sub = store.onDidChange((c) => seen.push(c));
  store.onDidChange(() => {
    throw new Error('a broken listener must not break the store');
  });
  await store.createPlaybook({ name: 'A', description: '' });
  await store.updatePlaybook('a', { description: 'second' });
  await store.movePlaybook('a', 'synced');
  await store.deletePlaybook('a', '1.0.0');
  sub.dispose();
  await store.deletePlaybook('a');
  assert.deepEqual(seen, [
    { kind: 'created', playbookId: 'a', version: '1.0.0', area: 'local' },
    { kind: 'updated', playbookId: 'a', version: '1.0.1', area: 'local' },
    { kind: 'moved', playbookId: 'a', from: 'local', to: 'synced' },
    { kind: 'deleted', playbookId: 'a', version: '1.0.0', area: 'synced' },
  ]);
});

test('sensitive parameter defaults and scripts are encrypted on disk and decrypted on read', async (t) => {
  const secrets = new MemorySecrets();
  const { store } = await newStore(t, secrets);
  const p = await store.createPlaybook({
    name: 'DB rotate',
    description: '',
    parameters: [
      { name: 'db_password', type: 'string', sensitive: true, default: 'hunter2-very-secret' },
      { name: 'port', type: 'integer', default: 5432 },
    ],
    scripts: [{ path: 'shell/rotate.sh', content: 'PASSWORD=hunter2-very-secret\n', sensitive: true }],
  });
  assert.ok(secrets.values.get('escher.dataKey'), 'the data key is created on first need');
  const metaText = await fs.readFile(path.join(p.dir, 'metadata.json'), 'utf8');
  const scriptBytes = await fs.readFile(path.join(p.dir, 'shell', 'rotate.sh'), 'utf8');
  assert.ok(!metaText.includes('hunter2'), 'no plaintext secret in metadata.json');
  assert.ok(!scriptBytes.includes('hunter2'), 'no plaintext secret in the script file');
  assert.match(scriptBytes, /"\$enc":"aes-256-gcm\/v1"/);
  assert.equal((await store.readScript(p, 'shell/rotate.sh')).toString(), 'PASSWORD=hunter2-very-secret\n');
  const params = await store.revealParameters(p);
  assert.equal(params.find((x) => x.name === 'db_password')!.default, 'hunter2-very-secret');
  assert.equal(params.find((x) => x.name === 'port')!.default, 5432);
  // An update that does not touch them keeps the ciphertext as is (and still decrypts).
  const v2 = await store.updatePlaybook('db-rotate', { description: 'x' });
  assert.equal((await store.readScript(v2, 'shell/rotate.sh')).toString(), 'PASSWORD=hunter2-very-secret\n');
  assert.equal((await store.revealParameters(v2)).find((x) => x.name === 'db_password')!.default, 'hunter2-very-secret');

  // Without the key: a clear error, not garbage.
  const keyless = new PlaybookStore({ playbooksDir: store.playbooksDir, secrets: new MemorySecrets() });
  const again = await keyless.getPlaybook('db-rotate');
  await assert.rejects(keyless.readScript(again, 'shell/rotate.sh'), /No data key is configured/);
  await assert.rejects(keyless.revealParameters(again), CryptoError);
  // With another key: authentication fails.
  const wrong = new PlaybookStore({ playbooksDir: store.playbooksDir, secrets: new MemorySecrets({ 'escher.dataKey': generateDataKey() }) });
  await assert.rejects(wrong.readScript(again, 'shell/rotate.sh'), /failed authentication/);
});

test('tampered ciphertext on disk fails loudly', async (t) => {
  const { store } = await newStore(t);
  const p = await store.createPlaybook({ name: 'S', description: '', scripts: [{ path: 'python/s.py', content: 'secret()\n', sensitive: true }] });
  const file = path.join(p.dir, 'python', 's.py');
  const env = JSON.parse(await fs.readFile(file, 'utf8')) as { ct: string };
  const ct = Buffer.from(env.ct, 'base64');
  ct[0] = ct[0]! ^ 0xff;
  await fs.writeFile(file, JSON.stringify({ ...env, ct: ct.toString('base64') }));
  await assert.rejects(store.readScript(p, 'python/s.py'), CryptoError);
});

test('readScript verifies sha256 and size, refuses unknown paths and symlinks escaping the playbook', async (t) => {
  const { store } = await newStore(t);
  const p = await store.createPlaybook(rds);
  assert.equal((await store.readScript(p, 'shell/stop.sh')).toString(), rds.scripts![0]!.content);
  await fs.appendFile(path.join(p.dir, 'terraform', 'main.tf'), '# edited\n');
  await assert.rejects(store.readScript(p, 'terraform/main.tf'), IntegrityError);
  await assert.rejects(store.readScript(p, 'shell/other.sh'), NotFoundError);
  await assert.rejects(store.readScript(p, '../../x'), ValidationError);
  const stop = path.join(p.dir, 'shell', 'stop.sh');
  await fs.rm(stop);
  await fs.symlink('/etc/passwd', stop);
  await assert.rejects(store.readScript(p, 'shell/stop.sh'), /is a symlink/);
});

test('a hand-broken metadata.json is a clear ValidationError on get, and list falls back to the newest valid version', async (t) => {
  const { store } = await newStore(t);
  await store.createPlaybook(rds);
  const v2 = await store.updatePlaybook('weekend-rds-shutdown', { description: 'second' });
  await fs.writeFile(path.join(v2.dir, 'metadata.json'), '{ "schema_version": 1, "name": ');
  await assert.rejects(store.getPlaybook('weekend-rds-shutdown'), /is not valid JSON/);
  const meta = JSON.parse(await fs.readFile(path.join(path.dirname(v2.dir), 'v1.0.0', 'metadata.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(v2.dir, 'metadata.json'), JSON.stringify({ ...meta, version: '1.0.1', cloud_provider: 'mars' }));
  await assert.rejects(store.getPlaybook('weekend-rds-shutdown'), /cloud_provider/);
  const [s] = await store.listPlaybooks();
  assert.equal(s!.version, '1.0.0');
  await fs.writeFile(path.join(v2.dir, 'metadata.json'), JSON.stringify({ ...meta, version: '1.0.0' }));
  await assert.rejects(store.getPlaybook('weekend-rds-shutdown', '1.0.1'), /does not match its folder/);
});

test('readers ignore half-written temp folders and trash', async (t) => {
  const { store, dir } = await newStore(t);
  await store.createPlaybook(rds);
  await fs.mkdir(path.join(dir, 'local', '.tmp-ghost-123-abcdef01', 'v1.0.0'), { recursive: true });
  await fs.mkdir(path.join(dir, 'local', 'weekend-rds-shutdown', '.tmp-v1.0.1-123-abcdef01'), { recursive: true });
  await fs.mkdir(path.join(dir, 'local', '.trash-old-123-abcdef01'), { recursive: true });
  assert.deepEqual((await store.listPlaybooks()).map((s) => [s.playbook_id, s.version]), [['weekend-rds-shutdown', '1.0.0']]);
  assert.equal((await store.updatePlaybook('weekend-rds-shutdown', { description: 'second' })).metadata.version, '1.0.1');
});

test('createPlaybooks reports each item separately and never half-creates one', async (t) => {
  const { store, dir } = await newStore(t);
  const results = await store.createPlaybooks([
    { name: 'Good one', description: '' },
    { name: 'Bad one', description: '', scripts: [{ path: 'shell/../x', content: '' }] },
    { name: 'Good one', description: '' },
    { name: 'Taken', description: '', playbook_id: 'good-one' },
  ]);
  assert.deepEqual(
    results.map((r) => (r.ok ? r.playbook.metadata.playbook_id : (r.error as Error).name)),
    ['good-one', 'ValidationError', 'good-one-2', 'AlreadyExistsError'],
  );
  assert.deepEqual((await fs.readdir(path.join(dir, 'local'))).sort(), ['good-one', 'good-one-2']);
});

/** Every file under dir with its bytes, for before/after comparisons. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.name === '.locks' || e.name === '.catalog.json') continue;
      if (e.isDirectory()) await walk(p);
      else out[path.relative(dir, p)] = (await fs.readFile(p)).toString('base64');
    }
  };
  await walk(dir);
  return out;
}
