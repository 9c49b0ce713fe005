import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/temp-dir';

async function withPlaybook(t: TestContext, extra: string[] = []): Promise<string> {
  const h = await tempDir(t, 'escher-cli-draft-');
  await fs.writeFile(path.join(h, 'stop.sh'), 'echo stop\n');
  await fs.writeFile(path.join(h, 'old.py'), 'print("old")\n');
  const r = await runCli(h, ['create', '--name', 'Stop VMs', '--description', 'd', '--script', `shell=${path.join(h, 'stop.sh')}`, '--script', `python=${path.join(h, 'old.py')}`, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return h;
}

const ok = async (h: string, args: string[]) => {
  const r = await runCli(h, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
};

test('draft → edit → draft commit --bump minor: a new version with the edits, re-hashed; the old one still verifies; the draft is gone', async (t) => {
  const h = await withPlaybook(t);
  const dir = (await ok(h, ['draft', 'stop-vms'])).stdout.trim();
  assert.equal(dir, path.join(h, 'drafts', 'stop-vms'));
  assert.equal((await ok(h, ['draft', 'stop-vms'])).stdout.trim(), dir, 'a second `draft` finds the same folder');
  assert.deepEqual(json<{ playbook_id: string; base_version: string }[]>(await ok(h, ['--json', 'draft', 'list'])).map((d) => [d.playbook_id, d.base_version]), [['stop-vms', '1.0.0']]);
  // The editor's part: change a script, add one, remove one, edit metadata.json.
  await fs.writeFile(path.join(dir, 'shell', 'stop.sh'), 'echo stop --force\n');
  await fs.writeFile(path.join(dir, 'shell', 'check.sh'), 'echo check\n');
  await fs.rm(path.join(dir, 'python'), { recursive: true });
  const meta = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ ...meta, description: 'Stops the VMs, forcefully', keywords: ['vm'], version: '9.9.9' }, null, 2));

  const saved = json<{ version: string; description: string; keywords: string[]; unchanged: boolean; scripts: { path: string; size: number }[] }>(await ok(h, ['--json', 'draft', 'commit', 'stop-vms', '--bump', 'minor']));
  assert.deepEqual([saved.version, saved.description, saved.keywords, saved.unchanged], ['1.1.0', 'Stops the VMs, forcefully', ['vm'], false], 'the version comes from the bump, not from the draft');
  assert.deepEqual(saved.scripts.map((s) => [s.path, s.size]), [['shell/stop.sh', 18], ['shell/check.sh', 11]]);
  assert.equal((await ok(h, ['show', 'stop-vms', '--script', 'shell/stop.sh'])).stdout, 'echo stop --force\n');
  assert.equal((await ok(h, ['show', 'stop-vms', '--version', '1.0.0', '--script', 'shell/stop.sh'])).stdout, 'echo stop\n');
  assert.match((await ok(h, ['status'])).stdout, /modified on disk: 0/);
  await assert.rejects(fs.stat(dir), 'the draft is removed');
  assert.deepEqual(json<unknown[]>(await ok(h, ['--json', 'draft', 'list'])), []);
  const again = await runCli(h, ['draft', 'commit', 'stop-vms']);
  assert.equal(again.code, 3, again.stderr);
  assert.match(again.stderr, /No draft of "stop-vms"/);
});

test('a draft with nothing changed saves nothing and is kept; discard drops it and leaves the versions alone', async (t) => {
  const h = await withPlaybook(t);
  await ok(h, ['draft', 'stop-vms']);
  const same = await ok(h, ['draft', 'commit', 'stop-vms']);
  assert.match(same.stdout, /nothing changed: stop-vms stays at v1\.0\.0; the draft is kept/);
  assert.match((await ok(h, ['draft', 'discard', 'stop-vms'])).stdout, /discarded the draft of stop-vms/);
  assert.deepEqual(json<{ versions: string[] }[]>(await ok(h, ['--json', 'list'])).map((r) => r.versions), [['1.0.0']]);
  assert.equal((await runCli(h, ['draft', 'discard', 'stop-vms'])).code, 3);
});

test('hostile drafts: a traversing id, a symlink in the draft or as the draft, broken JSON, a version written meanwhile — refused, nothing written', async (t) => {
  const h = await withPlaybook(t);
  for (const id of ['../x', '..', 'a/b', '%2e%2e']) {
    const r = await runCli(h, ['draft', id]);
    assert.equal(r.code, 2, `${id}: ${r.stderr}`);
  }
  await fs.writeFile(path.join(h, 'secret.txt'), 'not yours\n');
  const dir = (await ok(h, ['draft', 'stop-vms'])).stdout.trim();
  await fs.symlink(path.join(h, 'secret.txt'), path.join(dir, 'shell', 'leak.sh'));
  let r = await runCli(h, ['draft', 'commit', 'stop-vms']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /leak\.sh is a symlink/);
  await fs.rm(path.join(dir, 'shell', 'leak.sh'));
  await fs.writeFile(path.join(dir, 'metadata.json'), '{ "name": "x",, }');
  r = await runCli(h, ['draft', 'commit', 'stop-vms']);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`${path.join(dir, 'metadata.json')} is not valid JSON`), r.stderr);
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ name: 'Edited in the draft' }));
  await ok(h, ['update', 'stop-vms', '--description', 'someone else was faster']);
  r = await runCli(h, ['draft', 'commit', 'stop-vms']);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /v1\.0\.1 of "stop-vms" was written after this draft was made from v1\.0\.0/);
  assert.deepEqual(json<{ versions: string[] }[]>(await ok(h, ['--json', 'list'])).map((x) => x.versions), [['1.0.0', '1.0.1']]);
  // The draft folder itself a symlink (to a folder outside): refused, and discard removes the link only.
  await ok(h, ['draft', 'discard', 'stop-vms']);
  const outside = path.join(h, 'outside');
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, 'keep.txt'), 'x');
  await fs.symlink(outside, path.join(h, 'drafts', 'stop-vms'));
  r = await runCli(h, ['draft', 'commit', 'stop-vms']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is a symlink/);
  await ok(h, ['draft', 'discard', 'stop-vms']);
  assert.equal(await fs.readFile(path.join(outside, 'keep.txt'), 'utf8'), 'x', 'nothing outside was touched');
});

test('sensitive scripts stay out of drafts and are carried over unchanged; a stored file changed on disk becomes the next version through a draft', async (t) => {
  const h = await withPlaybook(t);
  await fs.writeFile(path.join(h, 'token.py'), 'TOKEN = "s3cret"\n');
  await ok(h, ['update', 'stop-vms', '--secret-script', `python=${path.join(h, 'token.py')}`]);
  // Someone edits the stored script in place (permission undone).
  const stored = path.join(h, 'playbooks', 'local', 'stop-vms', 'v1.0.1', 'shell', 'stop.sh');
  await fs.chmod(stored, 0o644);
  await fs.writeFile(stored, 'echo stop --now\n');
  const opened = await ok(h, ['draft', 'stop-vms']);
  assert.match(opened.stderr, /shell\/stop\.sh was changed in the stored v1\.0\.1: the draft holds the changed file/);
  const dir = opened.stdout.trim();
  assert.deepEqual((await fs.readdir(path.join(dir, 'python'))).sort(), ['old.py'], 'the sensitive script is not in the draft');
  const grep = await Promise.all(['metadata.json', 'shell/stop.sh', 'python/old.py'].map((f) => fs.readFile(path.join(dir, f), 'utf8')));
  assert.ok(grep.every((text) => !text.includes('s3cret')), 'no plaintext secret in the draft');
  await fs.writeFile(path.join(dir, 'python', 'token.py'), 'TOKEN = "typed here"\n');
  const refused = await runCli(h, ['draft', 'commit', 'stop-vms']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /token\.py is a sensitive script: it cannot be edited in a draft/);
  await fs.rm(path.join(dir, 'python', 'token.py'));
  const committed = await ok(h, ['draft', 'commit', 'stop-vms']);
  assert.match(committed.stdout, /saved the draft of stop-vms as v1\.0\.2/);
  // Never published: the damaged v1.0.1 is kept, and said to stay marked modified until deleted.
  assert.match(committed.stderr, /stop-vms v1\.0\.1 still has files changed on disk \(shell\/stop\.sh\) and is not on the server: it stays marked modified; delete it with `escher-playbook delete stop-vms --version 1\.0\.1`/);
  assert.equal(await fs.readFile(stored, 'utf8'), 'echo stop --now\n', 'kept as it is');
  assert.equal((await ok(h, ['show', 'stop-vms', '--script', 'shell/stop.sh'])).stdout, 'echo stop --now\n');
  assert.equal((await ok(h, ['show', 'stop-vms', '--script', 'python/token.py'])).stdout, 'TOKEN = "s3cret"\n');
});
