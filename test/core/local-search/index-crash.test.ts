import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EmbeddedVectorStore } from '../../../src/core/local-search/embedded-store';
import { tempDir } from '../../helpers/temp-dir';
import { bundleTestWorker } from '../../helpers/worker-bundle';
import { INDEX_CRASH_IDENTITY, indexCrashState } from './index-crash-rounds';

/**
 * Crash safety of the index file's saves: a writer process appending segments (and now and then
 * compacting the file whole) is SIGKILLed at random moments, KILLS times. After every kill the
 * file must load without being reset and hold exactly the state after the last acknowledged save
 * — or after the one save in flight, complete. The next writer continues from what loaded.
 */
const KILLS = Number(process.env.ESCHER_CRASH_KILLS ?? 40);

test(`index crash safety: ${KILLS} SIGKILLs during appended and compacting saves lose no acknowledged save and never leave an unreadable file`, { timeout: 180_000 }, async (t) => {
  const root = await tempDir(t, 'escher-idxcrash-');
  const worker = await bundleTestWorker(root, 'index-append-worker');
  const dir = path.join(root, 'search');
  let done = -1; // last round whose save is in the file
  let inFlightLanded = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const acks = await runAndKill(worker, dir, done + 1, kill);
    const acked = acks.length ? acks[acks.length - 1]! : done;
    const store = new EmbeddedVectorStore(dir);
    const opened = await store.open(INDEX_CRASH_IDENTITY);
    if (acked >= 0) assert.deepEqual(opened, { reset: false }, `kill ${kill}: the file loads`);
    const got = new Map((await store.get(store.ids())).map((p) => [p.id, p.payload.description]));
    await store.close();
    const sameAs = (last: number) => JSON.stringify([...indexCrashState(last)].sort()) === JSON.stringify([...got].sort());
    if (acked >= 0 && sameAs(acked)) done = acked;
    else if (sameAs(acked + 1)) {
      done = acked + 1;
      inFlightLanded++;
    } else if (acked < 0 && got.size === 0) done = -1;
    else assert.fail(`kill ${kill}: the file holds neither the state after round ${acked} nor after ${acked + 1}`);
  }
  assert.ok(done > KILLS, `the writers got work done (${done + 1} saves)`);
  t.diagnostic(`${done + 1} saves, ${inFlightLanded} of them completed although the writer was killed before acknowledging`);
  // A compaction cut short leaves its temp file; the next open removes those of dead writers.
  assert.deepEqual((await fs.readdir(dir)).filter((f) => f.startsWith('.tmp-')), []);
});

/** Runs one writer from round `first`, kills it after a few saves and a pseudo-random delay; returns the acknowledged rounds. */
function runAndKill(worker: string, dir: string, first: number, kill: number): Promise<number[]> {
  const acksBeforeKill = kill % 5;
  const delay = (kill * 7919) % 7;
  const child = spawn(process.execPath, [worker, dir, String(first)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let armed = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (out.includes('ready\n') && !child.stdin.writableEnded) child.stdin.end('go\n');
    const acks = out.split('\n').filter((l) => l.startsWith('ack ')).length;
    if (!armed && out.includes('ready\n') && acks >= acksBeforeKill) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), delay);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited with ${code}: ${err}`));
      resolve(
        out
          .split('\n')
          .filter((l) => l.startsWith('ack '))
          .map((l) => Number(l.slice(4))),
      );
    });
  });
}
