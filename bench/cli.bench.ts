import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BenchContext, stats, built, CLI } from './harness';
import { makeInputs } from './store.bench';

export const title = 'CLI (dist/cli.js): start-up, import, list --json cold/warm, show — as a user runs it';


/**
 * Every figure is a fresh `node dist/cli.js …` process, so it includes Node's own start-up.
 * Baselines in the same run: `node -e 0` (the floor any Node CLI pays), and for list a plain
 * Node script that reads and parses every latest metadata.json and prints them (what a listing
 * without a catalog must at least do).
 */
export async function bench(ctx: BenchContext): Promise<void> {
  if (!built('cli.js')) return;
  const n = ctx.quick ? 1000 : 10_000;
  const home = path.join(ctx.tmp, 'home');
  const env = { ...process.env, ESCHER_HOME: home };
  const run = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return { ms, stdout: r.stdout };
  };
  const node = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(r.stderr);
    return performance.now() - t0;
  };
  const median = (k: number, f: () => number) => stats(Array.from({ length: k }, f)).p50;

  ctx.heading('start-up');
  const nodeFloor = median(15, () => node(['-e', '0']));
  ctx.row('escher-playbook --version', median(15, () => run(['--version']).ms), 'ms', { baseline: nodeFloor, target: '<= 150 ms', note: 'median of 15; baseline: node -e 0' });
  ctx.row('escher-playbook --help (loads every command module)', median(5, () => run(['--help']).ms), 'ms', { baseline: nodeFloor, note: 'median of 5' });

  ctx.heading(`import ${n} playbooks (2 scripts each) with one CLI call`);
  const specs = makeInputs(n).map((i) => ({ ...i, scripts: Object.fromEntries((i.scripts ?? []).map((s) => [s.path, s.content])) }));
  const specFile = path.join(ctx.tmp, 'specs.json');
  await fs.writeFile(specFile, JSON.stringify(specs));
  const imp = run(['--json', 'import', specFile]);
  const report = JSON.parse(imp.stdout) as { created: number; failed: number };
  if (report.created !== n) throw new Error(`import created ${report.created} of ${n}`);
  const copy = performance.now();
  await fs.cp(path.join(home, 'playbooks'), path.join(ctx.tmp, 'copy'), { recursive: true });
  const copyMs = performance.now() - copy;
  ctx.row(`import ${n}`, imp.ms / 1000, 's', { baseline: copyMs / 1000, note: `${(imp.ms / n).toFixed(2)} ms per playbook; baseline: fs.cp of the resulting tree (no fsync)` });
  await fs.rm(path.join(ctx.tmp, 'copy'), { recursive: true, force: true });

  // Age timestamps past the catalog's 2 s racy window, then list with no catalog at all.
  await new Promise((r) => setTimeout(r, 2100));
  await fs.rm(path.join(home, 'playbooks', '.catalog.json'), { force: true });
  ctx.heading(`list --json over ${n}`);
  const listScript = path.join(ctx.tmp, 'baseline-list.js');
  await fs.writeFile(
    listScript,
    `const fs=require('fs'),p=require('path');const root=${JSON.stringify(path.join(home, 'playbooks'))};const out=[];
for(const a of ['local','synced','ai-generated'])for(const id of fs.readdirSync(p.join(root,a))){if(id[0]==='.')continue;
const vs=fs.readdirSync(p.join(root,a,id)).filter(v=>v[0]==='v').sort();out.push(JSON.parse(fs.readFileSync(p.join(root,a,id,vs[vs.length-1],'metadata.json'),'utf8')));}
process.stdout.write(JSON.stringify(out,null,2));`,
  );
  const baseList = median(3, () => node([listScript]));
  const cold = run(['list', '--json']);
  const count = (JSON.parse(cold.stdout) as unknown[]).length;
  if (count !== n) throw new Error(`list returned ${count}`);
  ctx.row('list --json cold (builds the catalog)', cold.ms, 'ms', { baseline: baseList, note: 'baseline: node script reading+printing every metadata.json' });
  ctx.row('list --json warm', median(7, () => run(['list', '--json']).ms), 'ms', { baseline: baseList, target: '<= 150 ms', note: `median of 7; node -e 0 alone: ${nodeFloor.toFixed(0)} ms` });
  ctx.row('list (human table) warm', median(5, () => run(['list']).ms), 'ms', { baseline: baseList, note: 'median of 5' });

  ctx.heading('show');
  const ids = (JSON.parse(cold.stdout) as Array<{ playbook_id: string }>).map((s) => s.playbook_id);
  ctx.row('show ID --json', median(7, () => run(['show', ids[Math.floor(Math.random() * ids.length)]!, '--json']).ms), 'ms', { baseline: nodeFloor, note: 'median of 7; baseline: node -e 0' });
  ctx.row('show ID --script shell/run.sh (verified read)', median(7, () => run(['show', ids[0]!, '--script', 'shell/run.sh']).ms), 'ms', { baseline: nodeFloor, note: 'median of 7' });
}
