import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BenchContext, built, CLI, DIST, stats } from './harness';
import { embeddingText } from '../src/core/local-search/document-text';
import { payloadFromMetadata } from '../src/core/local-search/payload-builder';
import { WorkerEmbedder } from '../src/core/local-search/worker-embedder';
import { loadEvalQueries, loadRunbooks, runbookMetadata } from '../test/core/local-search/runbook-corpus';
import { seedBigHome } from './search.bench';

export const title = 'CLI search over 10,000 playbooks, one process per search: in-process vs the search daemon';

const SIZE = 10_000;

/**
 * Every figure is a fresh `node dist/cli.js search …` process, timed from spawn to exit, against
 * `--version` (the floor of any CLI call) measured in the same run. The store is 10,000 synthetic
 * variants of the 175 runbooks with an up-to-date index (search.bench.ts seedBigHome), so each
 * search reconciles (nothing changed) and embeds its query.
 *  - in-process (`--no-daemon`): model start + index load + search in the one process;
 *  - first call with the daemon on: the same, then the daemon is started in the background;
 *  - the call right after it: answered once the daemon has loaded model and index;
 *  - warm: answered by the running daemon (the usual case within 10 min of a search).
 */
export async function bench(ctx: BenchContext): Promise<void> {
  const runbooks = loadRunbooks();
  if (!runbooks || !built('cli.js', 'embedding-worker.js')) {
    ctx.row('skipped: ../shared/data or dist/ is absent', 0, '');
    return;
  }
  const queries = loadEvalQueries().map((q) => q.q);
  const embedder = new WorkerEmbedder({ kind: 'use-lite' }, { workerDir: DIST });
  const texts = runbooks.map((r) => embeddingText(payloadFromMetadata(runbookMetadata(r), 'local', '')));
  const home = path.join(ctx.tmp, 'home');
  await seedBigHome(home, SIZE, runbooks, await embedder.embed(texts), embedder.id);
  await embedder.dispose();

  const env = { ...process.env, ESCHER_SEARCH_DAEMON: '1', ESCHER_SEARCH_DAEMON_IDLE_SECONDS: '300' };
  const run = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, '--home', home, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return { ms, stdout: r.stdout };
  };
  const search = (i: number, ...extra: string[]) => run(['search', queries[i % queries.length]!, '--json', ...extra]);
  const daemonStatus = () => JSON.parse(run(['--json', 'daemon', 'status']).stdout) as { running: boolean; pid?: number; searches?: number };
  const median = (k: number, f: (i: number) => number) => stats(Array.from({ length: k }, (_, i) => f(i))).p50;

  ctx.heading(`load average at the start: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min) on ${os.cpus().length} cores; compare the ratios, not the milliseconds`);
  run(['daemon', 'stop']);
  search(0, '--no-daemon'); // The catalog and file caches warm, as for a user who searched before.
  const floor = median(9, () => run(['--version']).ms);
  const inProcess = median(5, (i) => search(i, '--no-daemon').ms);
  ctx.row('escher-playbook --version', floor, 'ms', { note: 'median of 9: the floor of any CLI call' });
  ctx.row('search, in-process (--no-daemon)', inProcess, 'ms', { baseline: floor, note: 'median of 5; baseline: --version' });

  const firstCalls: number[] = [];
  const secondCalls: number[] = [];
  for (let k = 0; k < 3; k++) {
    run(['daemon', 'stop']);
    while (daemonStatus().running) await new Promise((r) => setTimeout(r, 50));
    firstCalls.push(search(k).ms);
    secondCalls.push(search(k + 1).ms);
  }
  ctx.row('search, first call (in-process, then starts the daemon)', stats(firstCalls).p50, 'ms', { baseline: floor, note: 'median of 3' });
  ctx.row('search, right after it (waits for the daemon to load)', stats(secondCalls).p50, 'ms', { baseline: floor, note: 'median of 3' });
  const before = daemonStatus();
  const cpu0 = { clients: childCpuMs(), daemon: processCpuMs(before.pid) };
  const warm = Array.from({ length: 15 }, (_, i) => search(i + 7).ms);
  const cpu = { clients: (childCpuMs() - cpu0.clients) / warm.length, daemon: (processCpuMs(before.pid) - cpu0.daemon) / warm.length };
  const after = daemonStatus();
  if (after.searches !== (before.searches ?? 0) + warm.length) throw new Error(`the daemon answered ${String(after.searches)} searches, expected ${(before.searches ?? 0) + warm.length}`);
  ctx.row('search, warm (answered by the daemon)', stats(warm).p50, 'ms', { baseline: floor, target: '<= 300 ms', note: `median of ${warm.length}; p95 ${stats(warm).p95.toFixed(0)} ms; baseline: --version` });
  // CPU time does not grow with the machine's load the way wall time does: client and daemon run one after the other, so their sum is the wall time of an idle machine.
  ctx.row('  CPU per warm search: CLI process + daemon', cpu.clients + cpu.daemon, 'ms', { note: `CLI ${cpu.clients.toFixed(0)} ms + daemon ${cpu.daemon.toFixed(0)} ms (Linux /proc, 10 ms ticks, mean of ${warm.length})` });
  ctx.row('daemon memory (resident set)', rssMiB(after.pid), 'MiB', { note: 'model + 10k-playbook index, held while the daemon runs (exits after 10 min idle)' });
  run(['daemon', 'stop']);
}

/** CPU time (user + system) of the finished children of this process, in ms (Linux). */
function childCpuMs(): number {
  const f = procStat('self');
  return f ? ((Number(f[13]) + Number(f[14])) * 1000) / TICKS : NaN;
}

/** CPU time (user + system) of process `pid`, every thread, in ms (Linux). */
function processCpuMs(pid: number | undefined): number {
  const f = pid ? procStat(String(pid)) : undefined;
  return f ? ((Number(f[11]) + Number(f[12])) * 1000) / TICKS : NaN;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** The fields of /proc/<pid>/stat after the command name (field 3 onwards: index 0 is the state). */
function procStat(pid: string): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function rssMiB(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
