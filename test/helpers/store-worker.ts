/**
 * A separate writer process for the crash-consistency and concurrency tests (bundled by
 * test/helpers/worker-bundle.ts, run with plain node).
 *
 *   node store-worker.js crash  <playbooksDir> <seed>
 *     Waits for a line on stdin, then does random creates / updates / version deletes / moves,
 *     forever. Prints
 *       begin {op…}   before an operation and
 *       ack {op…}     after it completed (returned from the store),
 *     so the parent, which SIGKILLs it at a random moment, knows exactly what was acknowledged.
 *
 *   node store-worker.js hammer <playbooksDir> <tag> <updates> <creates>
 *     Waits for "go" on stdin, then interleaves <updates> updates of the playbook "shared" with
 *     <creates> creates of playbooks all named "Same Name". Prints one ack line per operation.
 *
 * The data key comes from ESCHER_KEY so both processes share it.
 */
import { createHash } from 'node:crypto';
import { PlaybookStore } from '../../src/core/playbook-store/store';
import type { Area } from '../../src/core/playbook-store/metadata';
import { MemorySecrets } from './memory-secrets';

const [mode, dir, ...rest] = process.argv.slice(2);
const secrets = new MemorySecrets(process.env.ESCHER_KEY ? { 'escher.dataKey': process.env.ESCHER_KEY } : {});
const store = new PlaybookStore({ playbooksDir: dir!, secrets });
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const say = (line: string) => process.stdout.write(line + '\n');

/** Small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function crash(seed: number): Promise<void> {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const known = new Map<string, { area: Area; versions: string[] }>();
  say('ready');
  // The parent verifies the previous writer's leftovers while this one starts; it says "go" when done.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  for (const s of await store.listPlaybooks()) known.set(s.playbook_id, { area: s.area, versions: [...s.versions] });
  for (let n = 0; ; n++) {
    const ids = [...known.keys()];
    const r = rand();
    const content = `#!/bin/sh\necho ${seed}-${n}-${rand().toString(36)}\n`;
    if (ids.length < 3 || r < 0.3) {
      const name = `Crash ${pick(['alpha', 'beta', 'gamma', 'delta'])}`;
      say(`begin ${JSON.stringify({ op: 'create', name })}`);
      const p = await store.createPlaybook({
        name,
        description: 'written by the crash test',
        scripts: [{ path: 'shell/run.sh', content }, { path: 'python/secret.py', content: `token = "${n}"\n`, sensitive: true }],
        parameters: [{ name: 'password', type: 'string', sensitive: true, default: `pw-${n}` }],
      });
      known.set(p.metadata.playbook_id, { area: p.area, versions: [p.metadata.version] });
      say(`ack ${JSON.stringify({ op: 'create', id: p.metadata.playbook_id, area: p.area, version: p.metadata.version, sha: sha(content) })}`);
    } else if (r < 0.7) {
      const id = pick(ids);
      say(`begin ${JSON.stringify({ op: 'update', id })}`);
      const p = await store.updatePlaybook(id, { scripts: [{ path: 'shell/run.sh', content }], bump: pick(['patch', 'minor'] as const) });
      known.get(id)!.versions.push(p.metadata.version);
      say(`ack ${JSON.stringify({ op: 'update', id, version: p.metadata.version, sha: sha(content) })}`);
    } else if (r < 0.85) {
      const id = pick(ids.filter((i) => known.get(i)!.versions.length > 1).concat(ids));
      const k = known.get(id)!;
      const version = pick(k.versions);
      say(`begin ${JSON.stringify({ op: 'delete', id, version })}`);
      await store.deletePlaybook(id, version);
      k.versions = k.versions.filter((v) => v !== version);
      if (k.versions.length === 0) known.delete(id);
      say(`ack ${JSON.stringify({ op: 'delete', id, version })}`);
    } else {
      const id = pick(ids);
      const to = pick(['local', 'synced', 'ai-generated'] as const);
      say(`begin ${JSON.stringify({ op: 'move', id, to })}`);
      await store.movePlaybook(id, to);
      known.get(id)!.area = to;
      say(`ack ${JSON.stringify({ op: 'move', id, to })}`);
    }
  }
}

async function hammer(tag: string, updates: number, creates: number): Promise<void> {
  say('ready');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  let u = 0;
  let c = 0;
  while (u < updates || c < creates) {
    if (u < updates && (c >= creates || u / updates <= c / creates)) {
      const content = `${tag}-${u}`;
      const p = await store.updatePlaybook('shared', { scripts: [{ path: 'shell/run.sh', content }] });
      say(`ack ${JSON.stringify({ op: 'update', version: p.metadata.version, content })}`);
      u++;
    } else {
      const p = await store.createPlaybook({ name: 'Same Name', description: tag });
      say(`ack ${JSON.stringify({ op: 'create', id: p.metadata.playbook_id, tag })}`);
      c++;
    }
  }
}

const run = mode === 'crash' ? crash(Number(rest[0])) : hammer(rest[0]!, Number(rest[1]), Number(rest[2]));
run.then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`worker failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
