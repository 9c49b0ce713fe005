/**
 * A separate writer process for the index crash test (test/core/local-search/index-crash.test.ts,
 * bundled by worker-bundle.ts, run with plain node).
 *
 *   node index-append-worker.js <searchDir> <firstRound>
 *     Opens the embedded store there, prints "ready", waits for a line on stdin, then runs
 *     rounds firstRound, firstRound + 1, … forever: each writes one point and maybe removes one
 *     (indexCrashRound), saves (an appended segment, or the whole file when compacting), and
 *     prints "ack <round>" once the save returned. The parent SIGKILLs it at a random moment.
 */
import { EmbeddedVectorStore } from '../../src/core/local-search/embedded-store';
import { indexCrashRound, INDEX_CRASH_IDENTITY } from '../core/local-search/index-crash-rounds';

const [dir, first] = process.argv.slice(2);

async function main(): Promise<void> {
  const store = new EmbeddedVectorStore(dir!);
  await store.open(INDEX_CRASH_IDENTITY);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  for (let round = Number(first); ; round++) {
    const { put, remove } = indexCrashRound(round);
    await store.upsert([put]);
    if (remove) await store.delete([remove]);
    await store.flush();
    process.stdout.write(`ack ${round}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
