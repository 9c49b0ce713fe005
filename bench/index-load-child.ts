import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EmbeddedVectorStore } from '../src/core/local-search/embedded-store';
import { KeywordIndex } from '../src/core/local-search/keyword-index';

/**
 * Run by search.bench.ts in a fresh process, as a CLI call meets the index: times reading the
 * file's bytes, then opening it (int8 rows, ids, rows, keyword index, checksums) until a search
 * can run, and prints both as JSON. Argument: the search folder; then the model id.
 */
async function main(): Promise<void> {
  const [dir, modelId] = process.argv.slice(2);
  const file = path.join(dir!, 'user_playbooks.idx');
  let t0 = performance.now();
  await fs.readFile(file);
  const readMs = performance.now() - t0;
  const store = new EmbeddedVectorStore(dir!);
  t0 = performance.now();
  const opened = await store.open({ modelId: modelId!, dimension: 512 });
  KeywordIndex.fromBuffer(store.loadedKeywordIndex!.bytes);
  const loadMs = performance.now() - t0;
  await store.close();
  process.stdout.write(JSON.stringify({ readMs, loadMs, reset: opened.reset }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
