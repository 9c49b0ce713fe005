import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { watchFolder } from '../../../src/core/shared/folder-watch';
import { tempDir } from '../../helpers/temp-dir';

/** Records what the watch reported; `until(pred)` waits (bounded, real time) for a report that satisfies it. */
function recorder() {
  const seen: Array<string | null> = [];
  let wake: (() => void) | undefined;
  return {
    seen,
    fn: (name: string | null) => {
      seen.push(name);
      wake?.();
    },
    async until(what: string, pred: (seen: ReadonlyArray<string | null>) => boolean): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (!pred(seen)) {
        if (Date.now() > deadline) throw new Error(`not reported: ${what} (saw ${JSON.stringify(seen)})`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 200);
        });
      }
    },
  };
}

test('a folder created right after the watch starts (in the same tick, two levels deep) is reported, and so are the files then written in it', async (t) => {
  const home = await tempDir(t, 'escher-fw-');
  const dir = path.join(home, 'not', 'yet');
  const r = recorder();
  const w = watchFolder(dir, r.fn);
  t.after(() => w.dispose());
  // No await between the watch and the writes: a watch set up later (as VS Code's is) misses this.
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), '{}');
  await r.until('the folder appearing', (s) => s.includes(null));
  const before = r.seen.length;
  writeFileSync(path.join(dir, 'config.json'), '{"a":1}');
  await r.until('config.json changing in the folder that appeared', (s) => s.slice(before).includes('config.json'));
});

test('a folder removed is reported, and one made again under the same name is watched in its place', async (t) => {
  const home = await tempDir(t, 'escher-fw-');
  const dir = path.join(home, 'runs');
  mkdirSync(dir);
  const r = recorder();
  const w = watchFolder(dir, r.fn);
  t.after(() => w.dispose());
  writeFileSync(path.join(dir, 'journal.jsonl'), 'x\n');
  await r.until('a file written in the folder', (s) => s.includes('journal.jsonl'));

  let mark = r.seen.length;
  rmSync(dir, { recursive: true });
  await r.until('the folder removed', (s) => s.slice(mark).includes(null));

  // Made again by a rename (as atomic writers do): another folder, under the same name.
  mark = r.seen.length;
  mkdirSync(path.join(home, 'staging'));
  renameSync(path.join(home, 'staging'), dir);
  await r.until('the folder made again', (s) => s.slice(mark).includes(null));
  mark = r.seen.length;
  writeFileSync(path.join(dir, 'journal.jsonl'), 'y\n');
  await r.until('a file written in the new folder', (s) => s.slice(mark).includes('journal.jsonl'));
});

test('after dispose nothing more is reported', async (t) => {
  const home = await tempDir(t, 'escher-fw-');
  const r = recorder();
  const w = watchFolder(home, r.fn);
  writeFileSync(path.join(home, 'a'), '1');
  await r.until('a first change', (s) => s.includes('a'));
  w.dispose();
  const count = r.seen.length;
  writeFileSync(path.join(home, 'b'), '2');
  // A second watch on the same folder, made after, proves the write's event has been delivered.
  const probe = recorder();
  const p = watchFolder(home, probe.fn);
  t.after(() => p.dispose());
  writeFileSync(path.join(home, 'c'), '3');
  await probe.until('the probe seeing a later write', (s) => s.includes('c'));
  assert.equal(r.seen.length, count, `reported after dispose: ${JSON.stringify(r.seen.slice(count))}`);
});
