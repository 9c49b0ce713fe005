import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { findModifiedVersions } from '../../../src/core/playbook-store/version-integrity';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

test('findModifiedFiles names each changed, missing, symlinked or re-sealed file of a version, through the store\'s verifiers', async (t) => {
  const root = await tempDir(t, 'escher-integrity-');
  const secrets = new MemorySecrets();
  const store = new PlaybookStore({ playbooksDir: path.join(root, 'playbooks'), secrets });
  const scripts = [
    { path: 'shell/a.sh', content: 'echo a\n' },
    { path: 'shell/b.sh', content: 'echo b\n' },
    { path: 'python/c.py', content: 'c = 1\n' },
    { path: 'python/secret.py', content: 'TOKEN = 1\n', sensitive: true },
    { path: 'terraform/main.tf', content: '{}\n' },
  ];
  const v1 = await store.createPlaybook({ name: 'Many', description: 'd', scripts });
  const clean = await store.createPlaybook({ name: 'Clean', description: 'd', scripts });
  assert.deepEqual(await store.findModifiedFiles(v1), []);

  const at = (p: string) => path.join(v1.dir, p);
  await fs.chmod(at('shell/a.sh'), 0o644);
  await fs.appendFile(at('shell/a.sh'), 'rm -rf /\n');
  await fs.rm(at('shell/b.sh'));
  await fs.rm(at('python/c.py'));
  await fs.writeFile(path.join(root, 'outside.py'), 'c = 1\n');
  await fs.symlink(path.join(root, 'outside.py'), at('python/c.py'));
  // A sealed script swapped for another playbook's envelope of the same path: it fails authentication here.
  await fs.rm(at('python/secret.py'));
  await fs.copyFile(path.join(clean.dir, 'python', 'secret.py'), at('python/secret.py'));

  const found = await store.findModifiedFiles(v1);
  assert.deepEqual(found.map((f) => f.path), ['shell/a.sh', 'shell/b.sh', 'python/c.py', 'python/secret.py']);
  assert.match(found[0]!.problem, /does not match metadata\.json/);
  assert.match(found[1]!.problem, /missing/);
  assert.match(found[2]!.problem, /symlink/);

  const modified = await findModifiedVersions(store, await store.listPlaybooks());
  assert.deepEqual(modified.map((v) => [v.playbook_id, v.version, v.files.length]), [['many', '1.0.0', 4]]);

  // Without the data key the sealed script cannot be checked, and is not reported either way.
  const keyless = new PlaybookStore({ playbooksDir: path.join(root, 'playbooks'), secrets: new MemorySecrets() });
  assert.deepEqual((await keyless.findModifiedFiles(await keyless.getPlaybook('many'))).map((f) => f.path), ['shell/a.sh', 'shell/b.sh', 'python/c.py']);
});
