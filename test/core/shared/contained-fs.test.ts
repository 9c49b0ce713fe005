import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openInside, readInside, realDirInside, realPathOfOpened, removeInside } from '../../../src/core/shared/contained-fs';
import { OutsideRootError, ValidationError } from '../../../src/core/shared/errors';
import { tempDir } from '../../helpers/temp-dir';

/** The one mechanism behind every contained read and delete (shared/contained-fs.ts), on real files. */

async function layout(t: Parameters<typeof tempDir>[0]) {
  const base = await tempDir(t, 'escher-contained-');
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  await fs.mkdir(path.join(root, 'shell'), { recursive: true });
  await fs.mkdir(outside, { recursive: true });
  await fs.writeFile(path.join(root, 'shell', 'a.sh'), 'inside\n');
  await fs.writeFile(path.join(outside, 'id_rsa'), 'PRIVATE\n');
  return { base, root, outside };
}

test('reads a regular file inside its root; a root that is itself a symlink is fine', async (t) => {
  const { base, root } = await layout(t);
  assert.equal((await readInside(root, path.join(root, 'shell', 'a.sh'))).toString(), 'inside\n');
  await fs.symlink(root, path.join(base, 'linked-root'));
  const viaLink = path.join(base, 'linked-root');
  assert.equal((await readInside(viaLink, path.join(viaLink, 'shell', 'a.sh'))).toString(), 'inside\n');
});

test('refuses a file that is a symlink, even to a file inside the root', async (t) => {
  const { root, outside } = await layout(t);
  await fs.symlink(path.join(root, 'shell', 'a.sh'), path.join(root, 'shell', 'inner-link.sh'));
  await fs.symlink(path.join(outside, 'id_rsa'), path.join(root, 'shell', 'outer-link.sh'));
  for (const name of ['inner-link.sh', 'outer-link.sh']) {
    await assert.rejects(readInside(root, path.join(root, 'shell', name)), (e: unknown) => e instanceof OutsideRootError && /is a symlink/.test(e.message), name);
  }
});

test('refuses a file reached through a symlinked folder that leads out of the root', async (t) => {
  const { root, outside } = await layout(t);
  await fs.symlink(outside, path.join(root, 'python'));
  await assert.rejects(readInside(root, path.join(root, 'python', 'id_rsa')), (e: unknown) => e instanceof OutsideRootError && /resolves outside/.test(e.message));
});

test('refuses a FIFO planted in place of a script without blocking on it', { skip: process.platform === 'win32' ? 'no FIFOs' : false }, async (t) => {
  const { root } = await layout(t);
  const fifo = path.join(root, 'shell', 'pipe.sh');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(openInside(root, fifo), (e: unknown) => e instanceof ValidationError && /not a regular file/.test(e.message));
});

test('a missing file is ENOENT, as a plain read would say', async (t) => {
  const { root } = await layout(t);
  await assert.rejects(readInside(root, path.join(root, 'shell', 'nope.sh')), (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT');
});

test('without /proc: the name must still name the opened file (a swap between open and check is refused)', async (t) => {
  const { root } = await layout(t);
  const file = path.join(root, 'shell', 'a.sh');
  const { handle, stats } = await openInside(root, file);
  t.after(() => handle.close());
  assert.equal(await realPathOfOpened(handle, file, stats, 'Script', { proc: false }), await fs.realpath(file));
  await fs.writeFile(path.join(root, 'shell', 'other.sh'), 'swapped\n');
  await fs.rename(path.join(root, 'shell', 'other.sh'), file);
  await assert.rejects(realPathOfOpened(handle, file, stats, 'Script', { proc: false }), (e: unknown) => e instanceof OutsideRootError && /replaced/.test(e.message));
});

test('deletes never reach through a symlinked folder; a symlink itself is removed as a link', async (t) => {
  const { root, outside } = await layout(t);
  await fs.symlink(outside, path.join(root, 'tmp'));
  await assert.rejects(removeInside(root, path.join(root, 'tmp', 'id_rsa')), OutsideRootError);
  assert.equal(await fs.readFile(path.join(outside, 'id_rsa'), 'utf8'), 'PRIVATE\n');
  assert.equal(await removeInside(root, path.join(root, 'tmp'), { recursive: true }), true);
  await assert.rejects(fs.lstat(path.join(root, 'tmp')), /ENOENT/);
  assert.equal(await fs.readFile(path.join(outside, 'id_rsa'), 'utf8'), 'PRIVATE\n', 'the link went, not what it pointed at');
  assert.equal(await removeInside(root, path.join(root, 'gone', 'x')), false);
});

test('a folder to list or write in must really be inside', async (t) => {
  const { root, outside } = await layout(t);
  assert.equal(await realDirInside(root, path.join(root, 'shell')), await fs.realpath(path.join(root, 'shell')));
  assert.equal(await realDirInside(root, path.join(root, 'missing')), undefined);
  await fs.symlink(outside, path.join(root, 'scripts'));
  await assert.rejects(realDirInside(root, path.join(root, 'scripts')), OutsideRootError);
});
