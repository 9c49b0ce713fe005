import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { watchStoreFolder } from '../../../src/core/playbook-store/store-watcher';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

/** Counts calls; `after(n)` waits (real time, bounded) until at least n came. */
function counter() {
  let n = 0;
  const seen: string[] = [];
  const waiters: Array<{ at: number; wake: () => void }> = [];
  return {
    seen,
    fn: (changed: string) => {
      n++;
      seen.push(changed);
      for (const w of waiters.filter((x) => n >= x.at)) w.wake();
    },
    get count() {
      return n;
    },
    after(at: number, what: string): Promise<void> {
      if (n >= at) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no change seen for: ${what} (${n} calls)`)), 10_000);
        waiters.push({ at, wake: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

/** Another process's store over the same folder: its writes reach this one only through the disk. */
function otherProcess(root: string): PlaybookStore {
  return new PlaybookStore({ playbooksDir: root, secrets: new MemorySecrets() });
}

const input = (id: string) => ({ playbook_id: id, name: id, description: 'd', keywords: [], cloud_provider: 'aws' as const, resource_types: [], scripts: [{ path: 'shell/a.sh', content: 'echo\n' }], area: 'synced' as const });

test('changes another process makes in the store folder are seen, from a folder that did not exist yet through removal and re-creation', async (t: TestContext) => {
  const home = await tempDir(t, 'escher-watch-');
  const root = path.join(home, 'not', 'yet', 'playbooks');
  const c = counter();
  const w = watchStoreFolder(root, c.fn);
  t.after(() => w.dispose());

  const other = otherProcess(root);
  await other.createPlaybook(input('first'));
  await c.after(1, 'the store folder and a first playbook appearing');

  let seen = c.count;
  await other.updatePlaybook('first', { description: 'a new version' });
  await c.after(seen + 1, 'a new version');

  // A hand edit in place of the latest version's metadata.json (what sync would send).
  seen = c.count;
  const file = path.join(root, 'synced', 'first', 'v1.0.1', 'metadata.json');
  await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('a new version', 'edited by hand'));
  await c.after(seen + 1, 'an edit of the latest metadata.json');

  seen = c.count;
  await other.movePlaybook('first', 'local');
  await c.after(seen + 1, 'a move between areas');

  // Bookkeeping written first, then a real change in the same folder: events come in order, so
  // had the bookkeeping counted it would have been reported before the real change.
  await fs.writeFile(path.join(root, '.catalog.json'), '{}');
  await fs.mkdir(path.join(root, '.locks', 'x.lock'), { recursive: true });
  await fs.mkdir(path.join(root, 'local', '.tmp-x-1-abcdef01'));
  const before = c.seen.length;
  await fs.writeFile(path.join(root, 'notes.txt'), 'a file a person put there');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('notes.txt not seen')), 10_000);
    const poll = setInterval(() => {
      if (c.seen.includes('notes.txt')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 10);
  });
  assert.deepEqual(c.seen.filter((p) => p.split(path.sep).some((seg) => seg.startsWith('.'))), [], 'the catalog, locks and temp folders are not changes');
  assert.ok(c.seen.length > before);

  // The whole store removed, then written again.
  await fs.rm(root, { recursive: true });
  await fs.mkdir(root, { recursive: true });
  seen = c.count;
  await other.createPlaybook(input('second'));
  await c.after(seen + 1, 'a playbook in a store folder created again');

  w.dispose();
  seen = c.count;
  await other.createPlaybook(input('third'));
  // Nothing more can arrive once disposed (a late one would fail the count below, never pass it by chance).
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(c.count, seen, 'disposed: no more calls');
});

test('two subscribers to one store folder share its watches: each hears every change, one leaving does not stop the other, a late one is told when the watches are ready', async (t: TestContext) => {
  const root = path.join(await tempDir(t, 'escher-watch-shared-'), 'playbooks');
  const a = counter();
  const b = counter();
  let aReady = false;
  const wa = watchStoreFolder(root, a.fn, { onReady: () => (aReady = true) });
  const wb = watchStoreFolder(root, b.fn);
  t.after(() => {
    wa.dispose();
    wb.dispose();
  });
  const other = otherProcess(root);
  await other.createPlaybook(input('shared-one'));
  await Promise.all([a.after(1, 'subscriber a: the first playbook'), b.after(1, 'subscriber b: the first playbook')]);
  assert.ok(aReady, 'the first subscriber was told its watches are ready');

  let lateReady = false;
  const late = counter();
  const wl = watchStoreFolder(root, late.fn, { onReady: () => (lateReady = true) });
  t.after(() => wl.dispose());
  await new Promise<void>((r) => setImmediate(r));
  await new Promise<void>((r) => setImmediate(r));
  assert.ok(lateReady, 'a subscriber joining ready watches is told at once');

  wa.dispose();
  const seen = b.count;
  await other.createPlaybook(input('shared-two'));
  await b.after(seen + 1, 'subscriber b after a left');
  await late.after(1, 'the late subscriber');

  // Everyone gone, then a new subscriber: watches are set up again from scratch.
  wb.dispose();
  wl.dispose();
  const again = counter();
  let againReady: () => void = () => {};
  const ready = new Promise<void>((r) => (againReady = r));
  const wg = watchStoreFolder(root, again.fn, { onReady: () => againReady() });
  t.after(() => wg.dispose());
  await ready;
  await other.createPlaybook(input('shared-three'));
  await again.after(1, 'a new subscriber after all had left');
});
