import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withBenchContext, type BenchContext } from './harness';

/**
 * `npm run bench [-- --quick] [-- name-filter]`: runs every bench/*.bench.ts in turn.
 * Each file exports `title` and `bench(ctx)`.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const filters = args.filter((a) => !a.startsWith('--'));
  console.log(`escher-playbooks benchmarks — node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}${quick ? ' (quick)' : ''}`);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  for (const f of files) {
    const mod = (await import(path.join(__dirname, f))) as { title: string; bench: (ctx: BenchContext) => Promise<void> };
    await withBenchContext(mod.title, quick, mod.bench);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
