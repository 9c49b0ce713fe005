import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export const REPO = path.resolve(__dirname, '..');
export const DIST = path.join(REPO, 'dist');
export const CLI = path.join(DIST, 'cli.js');

/** Whether the build the benches run is there (they time what users run); says what to do if not. */
export function built(...files: string[]): boolean {
  const missing = files.filter((f) => !existsSync(path.join(DIST, f)));
  if (missing.length) console.log(`    ${missing.map((f) => `dist/${f}`).join(' and ')} absent: run \`npm run build\` first`);
  return missing.length === 0;
}

/**
 * Shared benchmark harness. Each bench/<component>.bench.ts exports `bench(ctx)`. Figures are
 * printed, never asserted: the machines have 2 noisy cores, so every figure that matters is shown
 * next to a baseline measured in the same run (`ratio`).
 */
export interface BenchContext {
  /** A fresh temp directory for this bench file, removed afterwards. */
  tmp: string;
  /** Prints one row: `name  value unit  (baseline …, ratio …)  target …`. */
  row(name: string, value: number, unit: string, extra?: { baseline?: number; target?: string; note?: string }): void;
  heading(title: string): void;
  /** True for `npm run bench -- --quick` (smaller sizes, for a smoke run). */
  quick: boolean;
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Runs fn n times, returns sorted durations (ms) with p50/p95/p99/mean helpers. */
export async function sample(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<Stats> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return stats(out);
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
}

export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), min: s[0] ?? NaN };
}

export async function withBenchContext(title: string, quick: boolean, fn: (ctx: BenchContext) => Promise<void>): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-bench-'));
  const ctx: BenchContext = {
    tmp,
    quick,
    heading(t) {
      console.log(`\n  ${t}`);
    },
    row(name, value, unit, extra = {}) {
      const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
      const parts = [`    ${name.padEnd(58)} ${fmt(value).padStart(9)} ${unit.padEnd(6)}`];
      if (extra.baseline !== undefined) parts.push(`baseline ${fmt(extra.baseline)} ${unit}, ratio ${(value / extra.baseline).toFixed(2)}x`);
      if (extra.target) parts.push(`target ${extra.target}`);
      if (extra.note) parts.push(extra.note);
      console.log(parts.join('  '));
    },
  };
  console.log(`\n== ${title} ==`);
  try {
    await fn(ctx);
  } finally {
    // ESCHER_BENCH_KEEP=1 leaves the homes behind (to profile a CLI run against them).
    if (process.env.ESCHER_BENCH_KEEP === '1') console.log(`(kept ${tmp})`);
    else await fs.rm(tmp, { recursive: true, force: true });
  }
}
