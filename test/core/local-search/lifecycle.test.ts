import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { resolveConfig } from '../../../src/core/shared/config';
import type { Logger } from '../../../src/core/shared/logger';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { COLLECTION_FILE } from '../../../src/core/local-search/embedded-store';
import type { Embedder } from '../../../src/core/local-search/embedder';
import { readIndexFile } from '../../../src/core/local-search/index-file';
import { LocalSearch, SEARCH_DIR } from '../../../src/core/local-search/local-search';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';
import { DIM, axisVector } from './store-contract';

/**
 * dispose() and close() are one shutdown: stop listening, write what is pending, stop the model —
 * once. close() waits for it and reports a failed write; dispose() logs it. The model is a
 * deterministic stand-in so the test counts disposals and needs no worker.
 */
class StubModel implements Embedder {
  readonly id = 'axis@1';
  disposed = 0;
  async dimension() {
    return DIM;
  }
  async preload() {}
  async embed(texts: readonly string[]) {
    return texts.map((_, i) => axisVector(i % DIM));
  }
  async dispose() {
    this.disposed++;
  }
}

async function setup(t: TestContext) {
  const home = await tempDir(t, 'escher-search-life-');
  const config = resolveConfig({ home }, {});
  const store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new MemorySecrets() });
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const model = new StubModel();
  // A long flush delay: only the shutdown can have written the change below.
  const search = new LocalSearch({ config, store, logger, embedder: model, flushDelayMs: 60_000 });
  return { home, store, search, model, warnings, file: path.join(home, SEARCH_DIR, COLLECTION_FILE) };
}

test('dispose() then close(): one shutdown that writes the pending change and stops the model once', async (t) => {
  const e = await setup(t);
  await e.search.start();
  await e.store.createPlaybook({ name: 'Rotate keys', description: 'rotate access keys' });
  await e.search.searchLocalPlaybooks('rotate'); // the change event has been applied (the search waits for the queue)
  assert.equal((await readIndexFile(e.file))?.payloads.length ?? 0, 0, 'not written yet');

  e.search.dispose();
  await e.search.close();
  assert.deepEqual((await readIndexFile(e.file))?.payloads.map((p) => p.id), ['rotate-keys']);
  assert.equal(e.model.disposed, 1);
  await e.search.close();
  assert.equal(e.model.disposed, 1, 'a second close does nothing more');

  // Closed: store changes no longer reach the index.
  await e.store.createPlaybook({ name: 'Stop databases', description: 'at night' });
  assert.equal((await e.search.status()).stale, 1);
});

test('a write that fails at shutdown: close() rejects with it, dispose() logs it, the model stops either way', async (t) => {
  const a = await setup(t);
  await a.search.start();
  await a.store.createPlaybook({ name: 'Rotate keys', description: 'rotate access keys' });
  await a.search.searchLocalPlaybooks('rotate');
  // The search folder becomes a file: the index cannot be written.
  await fs.rm(path.join(a.home, SEARCH_DIR), { recursive: true, force: true });
  await fs.writeFile(path.join(a.home, SEARCH_DIR), 'not a folder');
  await assert.rejects(a.search.close(), /ENOTDIR|EEXIST|not a directory/i);
  assert.equal(a.model.disposed, 1);

  const b = await setup(t);
  await b.search.start();
  await b.store.createPlaybook({ name: 'Rotate keys', description: 'rotate access keys' });
  await b.search.searchLocalPlaybooks('rotate');
  await fs.rm(path.join(b.home, SEARCH_DIR), { recursive: true, force: true });
  await fs.writeFile(path.join(b.home, SEARCH_DIR), 'not a folder');
  b.search.dispose();
  await b.search.close().catch(() => undefined);
  assert.ok(b.warnings.some((w) => /^could not save the search index: /.test(w)), b.warnings.join('\n'));
  assert.equal(b.model.disposed, 1);
});
