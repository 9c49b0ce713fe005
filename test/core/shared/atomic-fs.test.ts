import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { TEMP_PREFIX, writeFileAtomic } from '../../../src/core/shared/atomic-fs';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-atomic-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
const bytes = (data: unknown): Buffer => (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array));

/**
 * The disk fills up after `room` more bytes: every write through fs.promises (a FileHandle's write
 * and writeFile, and fs.promises.writeFile itself) really writes what fits, then fails with ENOSPC,
 * as a full disk does: the file is left holding the first part of the new bytes.
 */
function diskFillsAfter(t: TestContext, room: number): void {
  let left = room;
  const put = async (data: unknown, write: (b: Buffer) => Promise<unknown>): Promise<void> => {
    const all = bytes(data);
    const n = Math.min(left, all.length);
    left -= n;
    if (n > 0) await write(all.subarray(0, n));
    if (n < all.length) throw enospc();
  };
  const realOpen = fs.open.bind(fs);
  const realWriteFile = fs.writeFile.bind(fs);
  t.mock.method(fs, 'open', async (...args: Parameters<typeof fs.open>) => {
    const handle = await realOpen(...args);
    return new Proxy(handle, {
      get(target, prop) {
        if (prop === 'writeFile') return (data: unknown) => put(data, (b) => target.writeFile(b));
        if (prop === 'write') return (data: unknown) => put(data, (b) => target.write(b));
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  });
  t.mock.method(fs, 'writeFile', (file: Parameters<typeof fs.writeFile>[0], data: unknown) => put(data, (b) => realWriteFile(file, b)));
}

test('writeFileAtomic replaces content whole and leaves no temp file behind', async (t) => {
  const dir = await tempDir(t);
  const target = path.join(dir, 'a', 'file.json');
  await writeFileAtomic(target, 'one');
  await writeFileAtomic(target, 'two');
  assert.equal(await fs.readFile(target, 'utf8'), 'two');
  const left = (await fs.readdir(path.dirname(target))).filter((n) => n.startsWith(TEMP_PREFIX));
  assert.deepEqual(left, []);
});

test('a write that fails half-way (disk full) leaves the old content whole, and no temp file', async (t) => {
  const dir = await tempDir(t);
  const target = path.join(dir, 'sync_state.json');
  const old = JSON.stringify({ outbox: ['delete rds-stop'], cursor: 41 });
  await writeFileAtomic(target, old);
  const next = JSON.stringify({ outbox: [], cursor: 42, padding: 'x'.repeat(4096) });
  diskFillsAfter(t, 100);
  await assert.rejects(writeFileAtomic(target, next), (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOSPC');
  t.mock.restoreAll();
  assert.equal(await fs.readFile(target, 'utf8'), old, 'the old bytes, not the first 100 of the new ones');
  assert.deepEqual((await fs.readdir(dir)).filter((n) => n.startsWith(TEMP_PREFIX)), []);
});

test('the fault injection has teeth: a plain write in place under it tears the file', async (t) => {
  const dir = await tempDir(t);
  const target = path.join(dir, 'plain.json');
  await fs.writeFile(target, 'old content');
  diskFillsAfter(t, 3);
  await assert.rejects(fs.writeFile(target, 'new content'), /ENOSPC/);
  t.mock.restoreAll();
  assert.equal(await fs.readFile(target, 'utf8'), 'new');
});

test('a rename that fails (the target is a folder) leaves no temp file behind', async (t) => {
  const dir = await tempDir(t);
  await fs.mkdir(path.join(dir, 'blocker'));
  await assert.rejects(writeFileAtomic(path.join(dir, 'blocker'), 'new'));
  assert.deepEqual((await fs.readdir(dir)).filter((n) => n.startsWith(TEMP_PREFIX)), []);
  assert.ok((await fs.stat(path.join(dir, 'blocker'))).isDirectory());
});
