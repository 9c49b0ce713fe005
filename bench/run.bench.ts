import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunJournal } from '../src/core/runner/journal';
import { encodeEnd, encodeStart } from '../src/core/runner/journal-format';
import { which } from '../src/core/runner/tools';
import type { RunRecord } from '../src/core/runner/types';
import { type BenchContext, sample, stats, built, CLI } from './harness';

export const title = 'run (dist/cli.js): run --dry-run of a shell+python+terraform playbook, journal appends, runs --json over 10k records';


/**
 * Baselines in the same run: `node -e 0` (what any Node CLI pays to start) and, for the journal,
 * the same bytes appended with a bare open/write/fsync/close. The dry run's external checkers
 * (bash -n, shellcheck, py_compile) are timed by the runner itself (plan.preflightTools) and
 * reported apart; without terraform on PATH the Terraform check is the HCL parser (WASM, in a
 * child node process), reported apart too. Our part is measured directly, as the same dry run
 * with --skip-preflight.
 */
export async function bench(ctx: BenchContext): Promise<void> {
  if (!built('cli.js')) return;
  const home = path.join(ctx.tmp, 'home');
  const work = path.join(ctx.tmp, 'work');
  const bin = path.join(ctx.tmp, 'bin');
  for (const d of [home, work, bin]) await fs.mkdir(d, { recursive: true });
  // Only what a run needs: no terraform, so its preflight is the HCL parser (as on a machine without it).
  for (const p of ['bash', 'sh', 'env', 'python3', 'shellcheck']) {
    const found = p === 'python3' && existsSync('/usr/bin/python3') ? '/usr/bin/python3' : which(p, process.env);
    if (found) await fs.symlink(found, path.join(bin, p));
  }
  const env = { ...process.env, ESCHER_HOME: home, PATH: bin, TMPDIR: ctx.tmp };
  const cli = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { env, cwd: work, encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return { ms, stdout: r.stdout };
  };
  const nodeFloor = stats(Array.from({ length: 11 }, () => {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t0;
  })).p50;

  await fs.writeFile(path.join(ctx.tmp, 'stop.sh'), '#!/usr/bin/env bash\nset -euo pipefail\naws rds stop-db-instance --db-instance-identifier "{{db}}" --region {{region}}\n');
  await fs.writeFile(path.join(ctx.tmp, 'stop.py'), 'import boto3\n\nboto3.client("rds", region_name="{{region}}").stop_db_instance(DBInstanceIdentifier="{{db}}")\n');
  await fs.writeFile(path.join(ctx.tmp, 'main.tf'), 'provider "aws" {\n  region = "{{region}}"\n}\n\nresource "aws_db_instance" "x" {\n  identifier = "{{db}}"\n}\n');
  cli(['create', '--id', 'stop-db', '--name', 'Stop DB', '--description', 'x', '--param', 'db=orders', '--param', 'region=eu-west-1',
    '--script', `shell=${path.join(ctx.tmp, 'stop.sh')}`, '--script', `python=${path.join(ctx.tmp, 'stop.py')}`, '--script', `terraform=${path.join(ctx.tmp, 'main.tf')}`]);

  ctx.heading('run --dry-run (shell + python + terraform, all three formats checked)');
  const k = ctx.quick ? 3 : 9;
  const runs = Array.from({ length: k }, () => {
    const r = cli(['--json', 'run', 'stop-db', '--dry-run']);
    const plan = JSON.parse(r.stdout) as { preflightTools: Array<{ argv: string[]; ms: number }> };
    const external = plan.preflightTools.filter((x) => !x.argv[0]!.startsWith('(')).reduce((a, x) => a + x.ms, 0);
    const hcl = plan.preflightTools.filter((x) => x.argv[0]!.startsWith('(')).reduce((a, x) => a + x.ms, 0);
    return { whole: r.ms, external, hcl, checkers: plan.preflightTools.map((x) => path.basename(x.argv[0]!)).join(', ') };
  });
  // Our part measured directly: the same dry run with the checkers off (verify, values, render
  // twice, write the run folder, commands, journal) — not a difference of noisy figures.
  const ours = stats(Array.from({ length: k }, () => cli(['--json', 'run', 'stop-db', '--dry-run', '--skip-preflight']).ms)).p50;
  const med = (f: (x: (typeof runs)[number]) => number) => stats(runs.map(f)).p50;
  ctx.row('whole CLI process, with preflight', med((x) => x.whole), 'ms', { baseline: nodeFloor, note: `median of ${k}; baseline: node -e 0` });
  ctx.row('  external checkers (their own time, one after another)', med((x) => x.external), 'ms', { note: runs[0]!.checkers.split(', ').filter((c) => !c.startsWith('(')).join(', ') });
  ctx.row('  HCL parser (stands in for terraform validate)', med((x) => x.hcl), 'ms', { note: '@cdktf/hcl2json in a child node: start + WASM init + parse; no terraform on PATH' });
  ctx.row('our part: the same dry run with --skip-preflight', ours, 'ms', { baseline: nodeFloor, target: '<= 150 ms', note: `median of ${k}; includes Node's own start-up` });

  ctx.heading('run journal: appending one record (fsynced, as before a run starts)');
  const journal = new RunJournal(path.join(ctx.tmp, 'j1'), os.hostname());
  const rec = record(0);
  await journal.started(rec, '/tmp/x');
  const n = ctx.quick ? 100 : 500;
  const append = await sample(n, (i) => journal.started({ ...rec, run_id: id(i) }, '/tmp/x'));
  const raw = path.join(ctx.tmp, 'raw.jsonl');
  const line = Buffer.from(encodeStart({ ...rec, run_dir: '/tmp/x' }));
  const bare = await sample(n, async () => {
    const h = await fs.open(raw, 'a', 0o600);
    await h.write(line);
    await h.sync();
    await h.close();
  });
  ctx.row('append p50', append.p50, 'ms', { baseline: bare.p50, target: '<= 2 ms', note: `p95 ${append.p95.toFixed(2)} ms; ${line.length} B/line; baseline: bare open+write+fsync+close` });

  ctx.heading('runs --json over 10,000 records');
  const big = path.join(home, 'runs');
  await fs.mkdir(big, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const r = record(i);
    lines.push(encodeStart({ ...r, run_dir: '/tmp/x' }), encodeEnd(r.run_id, { ended_at: r.started_at, duration_ms: 1200, exit_code: 0, signal: null, status: 'succeeded', log: { file: `logs/${r.run_id}.log`, bytes: 900, truncated: false } }));
  }
  await fs.writeFile(path.join(big, 'journal.jsonl'), lines.join(''));
  const size = (await fs.stat(path.join(big, 'journal.jsonl'))).size;
  const baseScript = path.join(ctx.tmp, 'baseline-runs.js');
  await fs.writeFile(baseScript, `const t=require('fs').readFileSync(${JSON.stringify(path.join(big, 'journal.jsonl'))},'utf8');const out=[];for(const l of t.split('\\n')){if(l)out.push(JSON.parse(l.slice(9)));}process.stdout.write(JSON.stringify(out.slice(-10000)));`);
  const baseline = stats(Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    spawnSync(process.execPath, [baseScript], { maxBuffer: 1 << 30 });
    return performance.now() - t0;
  })).p50;
  const all = stats(Array.from({ length: 5 }, () => cli(['--json', 'runs', '--limit', '10000']).ms)).p50;
  const count = (JSON.parse(cli(['--json', 'runs', '--limit', '10000']).stdout) as unknown[]).length;
  if (count !== 10_000) throw new Error(`runs listed ${count}`);
  ctx.row('runs --json --limit 10000 (every record printed)', all, 'ms', { baseline, target: '<= 200 ms', note: `median of 5; ${(size / 1e6).toFixed(1)} MB journal; baseline: node script reading + JSON.parse of every line, printing them` });
  ctx.row('runs --json (default: the newest 20)', stats(Array.from({ length: 5 }, () => cli(['--json', 'runs']).ms)).p50, 'ms', { baseline: nodeFloor, note: 'median of 5; baseline: node -e 0' });
}

function id(i: number): string {
  return `20261129-${String(100000 + (i % 900000)).slice(-6)}-${i.toString(16).padStart(6, '0')}`;
}

function record(i: number): RunRecord {
  return {
    run_id: id(i), playbook_id: `playbook-${i % 200}`, version: '1.2.0', area: 'local', content_hash: 'a'.repeat(64),
    scripts: [{ path: 'shell/stop.sh', sha256: 'b'.repeat(64), size: 312 }], formats: ['shell'], entry: 'shell/stop.sh', mode: 'run', dry_run: false,
    commands: ['/usr/bin/env bash /tmp/escher-run-AbCdEf/shell/stop.sh'], parameters: { db: { value: 'orders-db', source: 'flag' }, region: { value: 'eu-west-1', source: 'default' } },
    cwd: '/home/ops/work', user: 'ops', host: 'ops-laptop', pid: 4242, started_at: new Date(Date.UTC(2026, 10, 29) + i * 60_000).toISOString(),
    ended_at: null, duration_ms: null, exit_code: null, signal: null, status: 'running',
    preflight: { skipped: false, findings: [{ severity: 'info', source: 'shellcheck', file: 'shell/stop.sh', line: 3, column: 5, code: 'SC2086', message: 'Double quote to prevent globbing and word splitting.' }] },
    review: { status: null }, consent: '--yes', log: null,
  };
}
