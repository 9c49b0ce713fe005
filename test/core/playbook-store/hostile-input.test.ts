import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { NotFoundError, ValidationError } from '../../../src/core/shared/errors';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

/**
 * Hostile ids, versions and script paths, thrown at the store's public API. Each must be a
 * ValidationError, and nothing may be written anywhere (inside or outside the store).
 */
const HOSTILE_IDS = [
  '', '.', '..', '../x', '../../etc', 'a/b', 'a\\b', '/etc', 'C:\\x', 'c:', 'a\0b', 'a\nb', 'a\tb', '\u007f',
  'CON', 'con', 'nul', 'aux', 'com1', 'lpt9', 'prn', 'UPPER', '-lead', 'trail-', 'double--dash', 'x'.repeat(65),
  'é', 'ｆｕｌｌ', 'a b', '%2e%2e', '~', '$HOME', '.hidden', 'a\u202eb', 'e\u0301', 'a.b', 'a_b',
];
const HOSTILE_VERSIONS = ['../1.0.0', '1.0.0/../../x', '1.0', 'v1.0.0', '1.0.0+build', '01.0.0', '1.0.0\0', ' 1.0.0', '1.0.0-', '..', '1.0.0/x', 'latest'];
const HOSTILE_SCRIPT_PATHS = [
  '../x', 'shell/../../x', 'shell/../../../etc/passwd', '/etc/passwd', 'shell//a', 'shell/./a', 'C:/x', 'c:\\x', 'shell\\a.sh',
  'shell/a\0', 'shell/con', 'shell/aux.sh', 'shell/a.', 'shell/a ', 'shell/.hidden', 'metadata.json', 'shell/', 'shell', 'ruby/x.rb',
  'shell/' + 'a'.repeat(200), 'shell/a\nb', 'shell/\u202egnp.sh', '~/x', 'shell/%2e%2e/x', 'shell/e\u0301.sh',
];

test(`${HOSTILE_IDS.length + HOSTILE_VERSIONS.length + HOSTILE_SCRIPT_PATHS.length} hostile ids, versions and script paths are rejected and write nothing`, async (t) => {
  const root = await tempDir(t, 'escher-hostile-');
  const playbooksDir = path.join(root, 'home', 'playbooks');
  const store = new PlaybookStore({ playbooksDir, secrets: new MemorySecrets() });
  await store.createPlaybook({ name: 'Victim', description: '', scripts: [{ path: 'shell/ok.sh', content: 'ok\n' }] });
  const before = await listTree(root);
  const expectRejected = async (what: string, p: Promise<unknown>) => {
    await assert.rejects(p, (e: unknown) => e instanceof ValidationError, `${JSON.stringify(what)} must be a ValidationError`);
  };
  for (const id of HOSTILE_IDS) {
    await expectRejected(`id ${id}`, store.getPlaybook(id));
    await expectRejected(`id ${id}`, store.createPlaybook({ name: 'x', description: '', playbook_id: id }));
    await expectRejected(`id ${id}`, store.updatePlaybook(id, {}));
    await expectRejected(`id ${id}`, store.deletePlaybook(id));
    await expectRejected(`id ${id}`, store.movePlaybook(id, 'synced'));
  }
  for (const v of HOSTILE_VERSIONS) {
    await expectRejected(`version ${v}`, store.getPlaybook('victim', v));
    await expectRejected(`version ${v}`, store.deletePlaybook('victim', v));
    await expectRejected(`version ${v}`, store.createPlaybook({ name: 'x', description: '', version: v }));
    await expectRejected(`version ${v}`, store.updatePlaybook('victim', { version: v }));
  }
  const victim = await store.getPlaybook('victim');
  for (const p of HOSTILE_SCRIPT_PATHS) {
    await expectRejected(`script ${p}`, store.createPlaybook({ name: 'x', description: '', scripts: [{ path: p, content: 'pwned' }] }));
    await expectRejected(`script ${p}`, store.updatePlaybook('victim', { scripts: [{ path: p, content: 'pwned' }] }));
    await expectRejected(`script ${p}`, store.readScript(victim, p));
  }
  assert.deepEqual(await listTree(root), before, 'nothing was created, changed or removed anywhere');
});

test('symlinks that lead out of the store are never followed', async (t) => {
  const root = await tempDir(t, 'escher-symlink-');
  const outside = path.join(root, 'outside');
  await fs.mkdir(path.join(outside, 'v1.0.0'), { recursive: true });
  await fs.writeFile(path.join(outside, 'secret.txt'), 'do not read');
  const playbooksDir = path.join(root, 'playbooks');
  const store = new PlaybookStore({ playbooksDir, secrets: new MemorySecrets() });
  const p = await store.createPlaybook({ name: 'Real', description: '', scripts: [{ path: 'shell/a.sh', content: 'a\n' }] });
  // A symlinked playbook folder, a symlinked version folder, a symlinked script folder.
  await fs.symlink(outside, path.join(playbooksDir, 'local', 'evil'));
  await fs.symlink(path.join(outside, 'v1.0.0'), path.join(playbooksDir, 'local', 'real', 'v9.0.0'));
  await assert.rejects(store.getPlaybook('evil'), /symlink/);
  await assert.rejects(store.updatePlaybook('evil', {}), /symlink/);
  assert.deepEqual((await store.listPlaybooks()).map((s) => [s.playbook_id, s.versions]), [['real', ['1.0.0']]]);
  await assert.rejects(store.getPlaybook('real', '9.0.0'), NotFoundError);
  await fs.rm(path.join(p.dir, 'shell'), { recursive: true });
  await fs.symlink(outside, path.join(p.dir, 'shell'));
  await fs.copyFile(path.join(outside, 'secret.txt'), path.join(outside, 'a.sh'));
  await assert.rejects(store.readScript(p, 'shell/a.sh'), /resolves outside/);
  assert.equal(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8'), 'do not read');
});

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.name === '.locks' || e.name === '.catalog.json') continue;
      const st = await fs.lstat(p);
      out.push(`${path.relative(dir, p)} ${st.size} ${e.isDirectory() ? 'd' : 'f'}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}
