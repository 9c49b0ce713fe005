import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Area } from '../../../src/core/playbook-store/metadata';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { generateDataKey } from '../../../src/core/shared/crypto';
import { sha256 } from '../../../src/core/shared/hash';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';
import { bundleStoreWorker } from '../../helpers/worker-bundle';

/**
 * Crash consistency: a writer process doing random creates / updates / deletes / moves is
 * SIGKILLed at random moments, KILLS times. After every kill the store must list without error
 * and hold exactly the acknowledged state — plus, at most, the one operation that was in flight
 * (which must then be complete, never half-done). At the end every acknowledged version is read
 * back and its scripts verified, and doctor finds nothing but crash leftovers to clean.
 */
const KILLS = Number(process.env.ESCHER_CRASH_KILLS ?? 110);

type Model = Map<string, { area: Area; versions: Map<string, string> }>;
interface Op {
  op: 'create' | 'update' | 'delete' | 'move';
  id?: string;
  area?: Area;
  to?: Area;
  version?: string;
  sha?: string;
}

test(`crash consistency: ${KILLS} SIGKILLs at random points lose no acknowledged write`, { timeout: 180_000 }, async (t) => {
  const root = await tempDir(t, 'escher-crash-');
  const worker = await bundleStoreWorker(root);
  const dir = path.join(root, 'playbooks');
  const key = generateDataKey();
  const model: Model = new Map();
  let acked = 0;
  let inFlightLanded = 0;
  let seed = 1;
  const started = Date.now();

  let next = startWriter(worker, dir, key, seed++);
  for (let kill = 0; kill < KILLS; kill++) {
    const current = next;
    current.go();
    const { lines } = await current.killed;
    // The next writer starts up (Node start-up is most of a round) while this round is checked.
    if (kill + 1 < KILLS) next = startWriter(worker, dir, key, seed++);
    let pending: Op | undefined;
    for (const line of lines) {
      if (line.startsWith('begin ')) pending = JSON.parse(line.slice(6)) as Op;
      else if (line.startsWith('ack ')) {
        apply(model, JSON.parse(line.slice(4)) as Op);
        pending = undefined;
        acked++;
      }
    }
    // The SIGKILLed writer cannot release its lock; the next writer would wait out the stale
    // period (10 s, covered by the concurrency test). We know it is dead, so clear it now.
    await fs.rm(path.join(dir, '.locks'), { recursive: true, force: true });

    const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets({ 'escher.dataKey': key }) });
    const listed = await store.listPlaybooks();
    const actual: Model = new Map(listed.map((s) => [s.playbook_id, { area: s.area, versions: new Map(s.versions.map((v) => [v, ''])) }]));
    if (pending && !sameShape(model, actual)) {
      // The in-flight operation may have landed. If it did, it must have landed whole.
      await landInFlight(store, model, actual, pending);
      inFlightLanded++;
    }
    assert.deepEqual(shape(actual), shape(model), `after kill ${kill + 1} (seed ${current.seed}) the store differs from the acknowledged state`);
  }

  // Read back every acknowledged version and verify its scripts (sha256, decryption).
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets({ 'escher.dataKey': key }) });
  let versions = 0;
  for (const [id, m] of model) {
    for (const [version, sha] of m.versions) {
      const p = await store.getPlaybook(id, version);
      assert.equal(p.area, m.area);
      const run = await store.readScript(p, 'shell/run.sh');
      if (sha) assert.equal(sha256(run), sha, `${id}@${version} has the acknowledged content`);
      await store.readScript(p, 'python/secret.py');
      assert.match(String((await store.revealParameters(p))[0]!.default), /^pw-\d+$/);
      versions++;
    }
  }
  const report = await store.doctor({ repair: true });
  const serious = report.issues.filter((i) => i.kind !== 'temp' && i.kind !== 'lock');
  assert.deepEqual(serious, [], 'no corruption, orphans or schema errors: only crash leftovers');
  assert.deepEqual((await store.doctor()).issues, [], 'after repair the store is clean');
  t.diagnostic(`kills=${KILLS} acknowledged_ops=${acked} in_flight_landed=${inFlightLanded} versions_verified=${versions} temp_leftovers_cleaned=${report.issues.filter((i) => i.kind === 'temp').length} lost=0 seconds=${((Date.now() - started) / 1000).toFixed(1)}`);
  assert.ok(acked > KILLS, 'the writer got real work done between kills');
});

/**
 * Starts a writer that waits for go(); once going, after a random number of acks (0-3) and a
 * random 0-8 ms more, it is SIGKILLed. `killed` resolves with everything it printed.
 */
function startWriter(worker: string, dir: string, key: string, seed: number): { seed: number; go: () => void; killed: Promise<{ lines: string[] }> } {
  const acksBeforeKill = seed % 4;
  const delay = (seed * 7919) % 9;
  const child = spawn(process.execPath, [worker, 'crash', dir, String(seed)], { env: { ...process.env, ESCHER_KEY: key }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let going = false;
  let armed = false;
  const maybeArm = () => {
    const acks = out.split('\n').filter((l) => l.startsWith('ack ')).length;
    if (armed || !going || !out.includes('ready\n') || acks < acksBeforeKill) return;
    armed = true;
    setTimeout(() => child.kill('SIGKILL'), delay);
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    maybeArm();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killed = new Promise<{ lines: string[] }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (code ${code}): ${err}`));
      else resolve({ lines: out.split('\n').filter(Boolean) });
    });
  });
  return {
    seed,
    killed,
    go: () => {
      going = true;
      child.stdin.write('go\n');
      maybeArm();
    },
  };
}

function apply(model: Model, op: Op): void {
  if (op.op === 'create') model.set(op.id!, { area: op.area!, versions: new Map([[op.version!, op.sha!]]) });
  else if (op.op === 'update') model.get(op.id!)!.versions.set(op.version!, op.sha!);
  else if (op.op === 'delete') {
    const m = model.get(op.id!)!;
    m.versions.delete(op.version!);
    if (m.versions.size === 0) model.delete(op.id!);
  } else if (op.op === 'move') model.get(op.id!)!.area = op.to!;
}

/** The unacknowledged operation landed: check it is complete and fold it into the model. */
async function landInFlight(store: PlaybookStore, model: Model, actual: Model, op: Op): Promise<void> {
  if (op.op === 'create') {
    const extra = [...actual.keys()].filter((id) => !model.has(id));
    assert.equal(extra.length, 1, `exactly one new playbook from the in-flight create, got ${extra.join(', ')}`);
    const p = await store.getPlaybook(extra[0]!);
    await store.readScript(p, 'shell/run.sh');
    await store.readScript(p, 'python/secret.py');
    model.set(extra[0]!, { area: p.area, versions: new Map([[p.metadata.version, '']]) });
  } else if (op.op === 'update') {
    const extra = [...actual.get(op.id!)!.versions.keys()].filter((v) => !model.get(op.id!)!.versions.has(v));
    assert.equal(extra.length, 1, 'exactly one new version from the in-flight update');
    const p = await store.getPlaybook(op.id!, extra[0]);
    model.get(op.id!)!.versions.set(extra[0]!, sha256(await store.readScript(p, 'shell/run.sh')));
  } else apply(model, op);
}

function shape(m: Model): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, v] of [...m].sort(([a], [b]) => (a < b ? -1 : 1))) out[id] = `${v.area}:${[...v.versions.keys()].sort().join(',')}`;
  return out;
}

function sameShape(a: Model, b: Model): boolean {
  return JSON.stringify(shape(a)) === JSON.stringify(shape(b));
}
