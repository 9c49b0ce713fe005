import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { DoctorIssue } from '../../../src/core/playbook-store/types';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

async function setup(t: TestContext) {
  const dir = path.join(await tempDir(t, 'escher-doctor-'), 'playbooks');
  const secrets = new MemorySecrets();
  const store = new PlaybookStore({ playbooksDir: dir, secrets });
  await store.createPlaybook({ name: 'Alpha', description: '', scripts: [{ path: 'shell/a.sh', content: 'echo a\n' }, { path: 'python/s.py', content: 'secret()\n', sensitive: true }] });
  await store.updatePlaybook('alpha', { description: 'second version' });
  await store.createPlaybook({ name: 'Beta', description: '', scripts: [{ path: 'terraform/main.tf', content: '{}\n' }] });
  return { dir, store, secrets };
}

const kinds = (issues: DoctorIssue[]) => issues.map((i) => `${i.kind}${i.repaired ? '+' : ''} ${path.basename(i.path)}`).sort();

test('a healthy store has no issues', async (t) => {
  const { store } = await setup(t);
  const report = await store.doctor();
  assert.deepEqual(report.issues, []);
  assert.equal(report.checkedVersions, 3);
});

test('doctor finds crash leftovers, corruption, strays and duplicates, and repairs only what is safe', async (t) => {
  const { dir, store } = await setup(t);
  const alpha = path.join(dir, 'local', 'alpha');
  // Crash leftovers (pid 999999 is not running): a half-built playbook, a half-built version, a half-deleted one.
  await fs.mkdir(path.join(dir, 'local', '.tmp-gamma-999999-0badc0de', 'v1.0.0'), { recursive: true });
  await fs.mkdir(path.join(alpha, '.tmp-v1.0.2-999999-0badc0de', 'shell'), { recursive: true });
  await fs.mkdir(path.join(dir, 'synced', '.trash-delta-999999-0badc0de'), { recursive: true });
  // Corruption: a changed script, a missing one, a schema error, a tampered ciphertext.
  await fs.appendFile(path.join(alpha, 'v1.0.0', 'shell', 'a.sh'), 'rm -rf /\n');
  await fs.rm(path.join(dir, 'local', 'beta', 'v1.0.0', 'terraform', 'main.tf'));
  const metaFile = path.join(alpha, 'v1.0.1', 'metadata.json');
  const meta = JSON.parse(await fs.readFile(metaFile, 'utf8')) as Record<string, unknown>;
  const sealed = path.join(alpha, 'v1.0.1', 'python', 's.py');
  const env = JSON.parse(await fs.readFile(sealed, 'utf8')) as { tag: string };
  await fs.writeFile(sealed, JSON.stringify({ ...env, tag: Buffer.alloc(16).toString('base64') }));
  // Strays: an unknown file in a version, an empty playbook folder, a folder that is not an id, a duplicate id.
  await fs.writeFile(path.join(alpha, 'v1.0.1', 'notes.txt'), 'hi');
  await fs.mkdir(path.join(dir, 'local', 'empty-one'));
  await fs.mkdir(path.join(dir, 'local', 'Not An Id'));
  await fs.cp(path.join(dir, 'local', 'beta'), path.join(dir, 'synced', 'beta'), { recursive: true });
  await fs.writeFile(path.join(dir, 'local', 'beta', 'v1.0.0', 'metadata.json'), JSON.stringify({ ...meta, cloud_provider: 'mars' }));
  // A dead lock and a damaged catalog.
  await fs.mkdir(path.join(dir, '.locks', 'id-zeta.lock'), { recursive: true });
  const old = new Date(Date.now() - 3_600_000);
  await fs.utimes(path.join(dir, '.locks', 'id-zeta.lock'), old, old);
  await fs.writeFile(path.join(dir, '.catalog.json'), '{"format":');

  const report = await store.doctor();
  assert.deepEqual(kinds(report.issues), [
    'catalog .catalog.json',
    'checksum a.sh',
    'checksum main.tf',
    'checksum s.py',
    'duplicate-id beta',
    'lock id-zeta.lock',
    'orphan Not An Id',
    'orphan empty-one',
    'orphan notes.txt',
    'schema metadata.json',
    'temp .tmp-gamma-999999-0badc0de',
    'temp .tmp-v1.0.2-999999-0badc0de',
    'temp .trash-delta-999999-0badc0de',
  ]);
  assert.ok(report.issues.every((i) => !i.repaired), 'without --repair nothing changes');
  assert.ok(report.issues.find((i) => i.kind === 'checksum' && i.path.endsWith('s.py'))!.message.includes('authentication'));

  const repaired = await store.doctor({ repair: true });
  assert.deepEqual(
    kinds(repaired.issues.filter((i) => i.repaired)),
    ['catalog+ .catalog.json', 'lock+ id-zeta.lock', 'orphan+ empty-one', 'temp+ .tmp-gamma-999999-0badc0de', 'temp+ .tmp-v1.0.2-999999-0badc0de', 'temp+ .trash-delta-999999-0badc0de'],
  );
  // What needs a human stays, and is still reported.
  assert.ok(await fs.stat(path.join(alpha, 'v1.0.0', 'shell', 'a.sh')));
  const after = await store.doctor();
  assert.deepEqual(kinds(after.issues), ['checksum a.sh', 'checksum main.tf', 'checksum s.py', 'duplicate-id beta', 'orphan Not An Id', 'orphan notes.txt', 'schema metadata.json']);
});

test('doctor leaves a live writer\'s temp folder alone', async (t) => {
  const { dir, store } = await setup(t);
  const live = path.join(dir, 'local', `.tmp-busy-${process.ppid}-0badc0de`);
  await fs.mkdir(live, { recursive: true });
  const report = await store.doctor({ repair: true });
  assert.deepEqual(report.issues, []);
  assert.ok(await fs.stat(live));
});

test('without the data key, encrypted scripts are reported as unverified rather than as corrupt', async (t) => {
  const { dir } = await setup(t);
  const keyless = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets() });
  const report = await keyless.doctor();
  assert.deepEqual(kinds(report.issues), ['checksum s.py', 'checksum s.py']);
  assert.ok(report.issues.every((i) => /not verified: no data key/.test(i.message)));
});

test('a symlinked metadata.json is reported as a symlink (not as bad JSON) and never accepted, even when it leads to valid metadata', async (t) => {
  const { dir, store } = await setup(t);
  const outside = path.join(path.dirname(dir), 'outside');
  await fs.mkdir(outside, { recursive: true });
  // Valid metadata for beta v1.0.0 outside the store, and a file that is not JSON at all.
  const betaMeta = path.join(dir, 'local', 'beta', 'v1.0.0', 'metadata.json');
  await fs.copyFile(betaMeta, path.join(outside, 'metadata.json'));
  await fs.writeFile(path.join(outside, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
  await fs.rm(betaMeta);
  await fs.symlink(path.join(outside, 'metadata.json'), betaMeta);
  const alphaMeta = path.join(dir, 'local', 'alpha', 'v1.0.1', 'metadata.json');
  await fs.rm(alphaMeta);
  await fs.symlink(path.join(outside, 'id_rsa'), alphaMeta);

  const report = await store.doctor();
  const meta = report.issues.filter((i) => i.path.endsWith('metadata.json'));
  assert.deepEqual(meta.map((i) => [i.kind, path.relative(dir, i.path)]).sort(), [
    ['symlink', path.join('local', 'alpha', 'v1.0.1', 'metadata.json')],
    ['symlink', path.join('local', 'beta', 'v1.0.0', 'metadata.json')],
  ]);
  assert.ok(meta.every((i) => /is a symlink/.test(i.message) && !/JSON/.test(i.message)), meta.map((i) => i.message).join('\n'));
  // Not accepted by the store either: beta has no readable version, alpha falls back to v1.0.0.
  await assert.rejects(store.getPlaybook('beta'), /is a symlink/);
  const listed = await store.listPlaybooks();
  assert.deepEqual(listed.map((s) => [s.playbook_id, s.version]), [['alpha', '1.0.0']]);
  assert.ok((await store.doctor({ repair: true })).issues.every((i) => !(i.kind === 'symlink' && i.repaired)), 'repair leaves symlinks to a human');
});
