import { lstatSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PlaybookStore } from '../src/core/playbook-store/store';
import type { CreatePlaybookInput } from '../src/core/playbook-store/types';
import { mapLimit } from '../src/core/shared/map-limit';
import type { SecretKey, SecretStore } from '../src/core/shared/secrets';
import { type BenchContext, sample } from './harness';

export const title = 'Playbook store: import, list (cold/warm) and get over 10k playbooks, in process';

/**
 * Baselines, measured in the same run on the same files:
 *  - import: writing the same folders and bytes with plain mkdir + writeFile (no validation,
 *    no fsync, no rename, no lock) — what "just dump files" costs on this disk;
 *  - list: readFile + JSON.parse of every latest metadata.json (the work a cache-less listing
 *    cannot avoid);
 *  - get: readFile + JSON.parse of one metadata.json.
 */
export async function bench(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 1000 : 10_000;
  const dir = path.join(ctx.tmp, 'playbooks');
  const inputs = makeInputs(n);
  const store = new PlaybookStore({ playbooksDir: dir, secrets: memorySecrets() });

  ctx.heading(`import ${n} playbooks (2 scripts each), store.createPlaybooks`);
  const raw = await timeIt(() => rawWrite(path.join(ctx.tmp, 'raw'), inputs));
  const imp = await timeIt(() => store.createPlaybooks(inputs));
  const failed = imp.value.filter((r) => !r.ok).length;
  if (failed) throw new Error(`${failed} imports failed`);
  ctx.row(`import ${n} (validated, fsynced, atomic, locked)`, imp.ms / 1000, 's', { baseline: raw.ms / 1000, note: `baseline: plain writes; ${(imp.ms / n).toFixed(2)} ms per playbook` });

  // Let every timestamp age past the catalog's racy window (2 s), as on a real machine between imports and listings.
  await new Promise((r) => setTimeout(r, 2100));
  const files = (await store.listPlaybooks()).map((s) => path.join(dir, s.area, s.playbook_id, `v${s.version}`, 'metadata.json'));
  await fs.rm(path.join(dir, '.catalog.json'), { force: true });

  ctx.heading(`list over ${n}`);
  const base = await timeIt(() => mapLimit(files, 16, async (f) => JSON.parse(await fs.readFile(f, 'utf8')) as unknown));
  const coldStore = new PlaybookStore({ playbooksDir: dir, secrets: memorySecrets() });
  const cold = await timeIt(() => coldStore.listPlaybooks());
  ctx.row(`list cold (no catalog: read, validate, hash ${n} files)`, cold.ms, 'ms', { baseline: base.ms, note: 'baseline: readFile+parse of every metadata.json' });
  const warmFile = await sample(5, async () => {
    const s = new PlaybookStore({ playbooksDir: dir, secrets: memorySecrets() });
    await s.listPlaybooks();
    if (s.catalogStats().rescanned !== 0) throw new Error('warm listing rescanned');
  });
  ctx.row('list warm, new process (read .catalog.json + stat check)', warmFile.p50, 'ms', { baseline: base.ms, target: '<= 150 ms', note: `p50 of ${warmFile.n}` });
  const warmMem = await sample(5, () => coldStore.listPlaybooks());
  ctx.row('list warm, long-lived process (stat check only)', warmMem.p50, 'ms', { baseline: base.ms, target: '<= 150 ms', note: `p50 of ${warmMem.n}` });
  // The floor of the freshness check: the two lstat calls per playbook it makes, and nothing else.
  const statPaths = files.flatMap((f) => [path.dirname(path.dirname(f)), f]);
  const floor = await sample(5, () => {
    for (const p of statPaths) lstatSync(p);
  });
  ctx.row('list warm, long-lived process, vs its 2 lstat per playbook', warmMem.p50, 'ms', { baseline: floor.p50, note: 'baseline: the lstat calls alone' });
  // One hand edit: only that entry is re-read.
  const edited = files[Math.floor(files.length / 2)]!;
  const meta = JSON.parse(await fs.readFile(edited, 'utf8')) as Record<string, unknown>;
  await fs.writeFile(edited, JSON.stringify({ ...meta, name: 'edited by hand' }, null, 2));
  const afterEdit = await timeIt(() => coldStore.listPlaybooks());
  ctx.row('list after one hand edit of metadata.json', afterEdit.ms, 'ms', { baseline: base.ms, note: `rescanned ${coldStore.catalogStats().rescanned}` });

  ctx.heading('get (show) one playbook');
  const ids = files.map((f) => path.basename(path.dirname(path.dirname(f))));
  const readOne = await sample(300, (i) => fs.readFile(files[(i * 37) % files.length]!, 'utf8').then((t) => JSON.parse(t) as unknown));
  const get = await sample(300, (i) => coldStore.getPlaybook(ids[(i * 37) % ids.length]!));
  ctx.row('getPlaybook (locate, list versions, read, validate)', get.p50, 'ms', { baseline: readOne.p50, note: `p50; p95 ${get.p95.toFixed(2)} ms; baseline: readFile+parse` });
}

export function makeInputs(n: number): CreatePlaybookInput[] {
  const clouds = ['aws', 'azure', 'gcp'] as const;
  const verbs = ['Restart', 'Stop', 'Snapshot', 'Resize', 'Rotate keys of', 'Clean up'];
  const things = ['RDS instance', 'EC2 fleet', 'AKS cluster', 'GCS bucket', 'Lambda function', 'VPC'];
  return Array.from({ length: n }, (_, i) => ({
    name: `${verbs[i % verbs.length]} ${things[(i >> 3) % things.length]} ${i}`,
    description: `Playbook ${i}: ${verbs[i % verbs.length]!.toLowerCase()} the ${things[(i >> 3) % things.length]} safely, with a dry run first and a rollback step.`,
    keywords: ['ops', `k${i % 50}`],
    cloud_provider: clouds[i % 3],
    resource_types: [things[(i >> 3) % things.length]!.toLowerCase().replace(/ /g, '-')],
    scripts: [
      { path: 'shell/run.sh', content: `#!/bin/sh\nset -eu\necho "playbook ${i}"\n${'# padding line\n'.repeat(20)}` },
      { path: 'python/run.py', content: `def main():\n    print(${i})\n\nmain()\n` },
    ],
    parameters: [{ name: 'region', type: 'string', default: 'eu-west-1' }],
  }));
}

async function rawWrite(root: string, inputs: CreatePlaybookInput[]): Promise<void> {
  await mapLimit(inputs, 8, async (input, i) => {
    const d = path.join(root, `p${i}`, 'v1.0.0');
    await fs.mkdir(path.join(d, 'shell'), { recursive: true });
    await fs.mkdir(path.join(d, 'python'));
    for (const s of input.scripts ?? []) await fs.writeFile(path.join(d, s.path), s.content);
    await fs.writeFile(path.join(d, 'metadata.json'), JSON.stringify(input, null, 2));
  });
}

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

function memorySecrets(): SecretStore {
  const m = new Map<SecretKey, string>();
  return {
    get: (k) => Promise.resolve(m.get(k)),
    set: (k, v) => Promise.resolve(void m.set(k, v)),
    delete: (k) => Promise.resolve(void m.delete(k)),
  };
}
