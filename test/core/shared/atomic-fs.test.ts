import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TEMP_PREFIX, writeFileAtomic } from '../../../src/core/shared/atomic-fs';

test('writeFileAtomic replaces content whole and leaves no temp file behind', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-atomic-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const target = path.join(dir, 'a', 'file.json');
  await writeFileAtomic(target, 'one');
  await writeFileAtomic(target, 'two');
  assert.equal(await fs.readFile(target, 'utf8'), 'two');
  const left = (await fs.readdir(path.dirname(target))).filter((n) => n.startsWith(TEMP_PREFIX));
  assert.deepEqual(left, []);
});

test('writeFileAtomic keeps the old content when the write fails', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-atomic-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const target = path.join(dir, 'file.txt');
  await writeFileAtomic(target, 'old');
  // A directory where the target's parent should be makes the rename fail after the temp write.
  await fs.mkdir(path.join(dir, 'blocker'));
  await assert.rejects(writeFileAtomic(path.join(dir, 'blocker'), 'new'));
  assert.equal(await fs.readFile(target, 'utf8'), 'old');
  assert.deepEqual((await fs.readdir(dir)).filter((n) => n.startsWith(TEMP_PREFIX)), []);
});
