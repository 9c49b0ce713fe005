import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { resolveConfig } from '../../../src/core/shared/config';
import { ValidationError } from '../../../src/core/shared/errors';
import type { Logger } from '../../../src/core/shared/logger';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { CreatePlaybookInput } from '../../../src/core/playbook-store/types';
import type { Embedder } from '../../../src/core/local-search/embedder';
import { COLLECTION_FILE } from '../../../src/core/local-search/embedded-store';
import { readIndexFile, writeIndexFile } from '../../../src/core/local-search/index-file';
import { sectionStart } from './index-file-layout';
import { KEYWORD_INDEX_VERSION, KeywordIndex } from '../../../src/core/local-search/keyword-index';
import { LocalSearch, SEARCH_DIR } from '../../../src/core/local-search/local-search';
import { QdrantVectorStore } from '../../../src/core/local-search/qdrant-store';
import { WorkerEmbedder } from '../../../src/core/local-search/worker-embedder';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { QDRANT_SPEC, qdrantSpecAvailable, startQdrantDouble } from './qdrant-double';
import { buildTinyBert } from './tiny-bert';

/**
 * LocalSearch over a real PlaybookStore in a temp $ESCHER_HOME, with the real default model
 * (USE-lite in its worker, shared by the tests of this file; each LocalSearch gets a counting
 * view of it so tests can assert how many texts were embedded).
 */
let model: WorkerEmbedder;
before(() => {
  model = new WorkerEmbedder({ kind: 'use-lite' });
});
after(async () => {
  await model.dispose();
});

class CountingEmbedder implements Embedder {
  embedded = 0;
  constructor(private readonly inner: Embedder) {}
  get id() {
    return this.inner.id;
  }
  dimension() {
    return this.inner.dimension();
  }
  preload() {
    return this.inner.preload();
  }
  async embed(texts: readonly string[]) {
    this.embedded += texts.length;
    return this.inner.embed(texts);
  }
  async dispose() {
    // The shared model outlives each LocalSearch.
  }
}

interface Env {
  home: string;
  store: PlaybookStore;
  warnings: string[];
  open(options?: { embedder?: Embedder; remote?: QdrantVectorStore }): { search: LocalSearch; counter: CountingEmbedder };
}

async function env(t: TestContext): Promise<Env> {
  // One after-hook, in order: close every LocalSearch (which writes pending index changes), then
  // remove the folder — a debounced write must not race the removal.
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-search-'));
  const config = resolveConfig({ home }, {});
  const store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new MemorySecrets() });
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const opened: LocalSearch[] = [];
  t.after(async () => {
    for (const s of opened) await s.close();
    await fs.rm(home, { recursive: true, force: true });
  });
  return {
    home,
    store,
    warnings,
    open(options = {}) {
      const counter = new CountingEmbedder(options.embedder ?? model);
      const search = new LocalSearch({ config, store, logger, embedder: counter, flushDelayMs: 10, ...(options.remote ? { remote: options.remote } : {}) });
      opened.push(search);
      return { search, counter };
    },
  };
}

const PLAYBOOKS: CreatePlaybookInput[] = [
  { name: 'Weekend RDS shutdown', description: 'Stop the Postgres databases on Friday evening to save cost', cloud_provider: 'aws', resource_types: ['RDS'], keywords: ['cost'], scripts: [{ path: 'shell/stop.sh', content: 'aws rds stop-db-instance --db-instance-identifier "$DB"\n' }] },
  { name: 'Rotate IAM access keys', description: 'Create new access keys for service users and deactivate the old ones', cloud_provider: 'aws', resource_types: ['IAM'], scripts: [{ path: 'python/rotate.py', content: 'print("rotate")\n' }] },
  { name: 'Restart AKS node pool', description: 'Cordon, drain and reboot the nodes of a Kubernetes node pool', cloud_provider: 'azure', resource_types: ['AKS'], scripts: [{ path: 'shell/restart.sh', content: 'az aks nodepool upgrade\n' }] },
  { name: 'Empty and delete S3 bucket', description: 'Remove every object version then delete the bucket', cloud_provider: 'aws', resource_types: ['S3'], scripts: [{ path: 'terraform/main.tf', content: 'resource "aws_s3_bucket" "b" {}\n' }] },
];

async function seed(e: Env): Promise<void> {
  for (const p of PLAYBOOKS) await e.store.createPlaybook(p);
}

const top = async (s: LocalSearch, q: string, o: Parameters<LocalSearch['searchLocalPlaybooks']>[1] = {}) => (await s.searchLocalPlaybooks(q, o)).hits.map((h) => h.playbook_id);

test('search finds playbooks by meaning and by words, and says why', async (t) => {
  const e = await env(t);
  await seed(e);
  const { search } = e.open();
  const res = await search.searchLocalPlaybooks('shut down db weekend');
  assert.equal(res.backend, 'embedded');
  assert.deepEqual(res.warnings, []);
  const hit = res.hits[0]!;
  assert.equal(hit.playbook_id, 'weekend-rds-shutdown');
  assert.equal(hit.version, '1.0.0');
  assert.equal(hit.area, 'local');
  assert.ok(hit.score > 0);
  assert.ok(hit.why.terms.some((x) => x.term === 'weekend' && x.fields.includes('name')));
  assert.ok(hit.why.concepts.includes('database') && hit.why.concepts.includes('stop'), 'db ~ RDS/Postgres and shut down ~ stop');
  assert.ok(typeof hit.why.semantic_similarity === 'number');
  assert.equal(hit.payload.scripts['shell/stop.sh'], 'aws rds stop-db-instance --db-instance-identifier "$DB"\n', 'small script bodies are in the payload');
  assert.equal((await top(search, 'rotate keys'))[0], 'rotate-iam-access-keys');
  assert.equal((await top(search, 'reboot k8s nodes'))[0], 'restart-aks-node-pool');
  assert.equal((await top(search, 'remove storage bucket'))[0], 'empty-and-delete-s3-bucket');
});

test('filters: cloud, format, area and resource type; bad options are one clear error', async (t) => {
  const e = await env(t);
  await seed(e);
  const { search } = e.open();
  assert.deepEqual(await top(search, 'restart', { cloud: 'azure' }), ['restart-aks-node-pool']);
  assert.deepEqual(await top(search, 'delete', { format: 'terraform' }), ['empty-and-delete-s3-bucket']);
  assert.deepEqual(await top(search, 'keys', { resourceType: 'iam' }), ['rotate-iam-access-keys']);
  assert.deepEqual(await top(search, 'database', { area: 'synced' }), []);
  await assert.rejects(search.searchLocalPlaybooks('   '), ValidationError);
  await assert.rejects(search.searchLocalPlaybooks('x', { limit: 0 }), /--limit/);
  await assert.rejects(search.searchLocalPlaybooks('x', { cloud: 'mars' as never }), /unknown cloud "mars"/);
});

test('store changes (create, update, move, delete) are searchable at once, without a reconcile', async (t) => {
  const e = await env(t);
  const { search } = e.open();
  await search.start();
  await e.store.createPlaybook(PLAYBOOKS[0]!);
  assert.equal((await top(search, 'weekend shutdown'))[0], 'weekend-rds-shutdown');

  await e.store.updatePlaybook('weekend-rds-shutdown', { description: 'Stop the Aurora clusters on Friday evening and hibernate bastion hosts' });
  const afterUpdate = (await search.searchLocalPlaybooks('hibernate bastion')).hits[0]!;
  assert.equal(afterUpdate.playbook_id, 'weekend-rds-shutdown');
  assert.equal(afterUpdate.version, '1.0.1');

  await e.store.movePlaybook('weekend-rds-shutdown', 'synced');
  assert.deepEqual(await top(search, 'weekend shutdown', { area: 'synced' }), ['weekend-rds-shutdown']);
  assert.deepEqual(await top(search, 'weekend shutdown', { area: 'local' }), []);

  await e.store.deletePlaybook('weekend-rds-shutdown');
  assert.deepEqual(await top(search, 'weekend shutdown'), []);
});

test('a no-op reconcile embeds nothing; a move re-uses the vector; a hand-edited metadata.json is picked up', async (t) => {
  const e = await env(t);
  await seed(e);
  const first = e.open();
  const r1 = await first.search.start();
  assert.equal(r1.added, 4);
  assert.equal(first.counter.embedded, 4);
  await first.search.close();

  // The keyword index was saved with the vectors, so a new process need not re-tokenise.
  const saved = await readIndexFile(path.join(e.home, SEARCH_DIR, COLLECTION_FILE));
  assert.equal(saved?.keyword?.version, KEYWORD_INDEX_VERSION);
  assert.equal(KeywordIndex.fromBuffer(saved!.keyword!.bytes).size, 4);

  // A file without a saved keyword index (older code, other tokeniser) gets one on the next write.
  const indexFile = path.join(e.home, SEARCH_DIR, COLLECTION_FILE);
  await writeIndexFile(indexFile, { modelId: saved!.header.modelId, dimension: 512, payloads: saved!.payloads, vectors: saved!.vectors!, savedAt: 'x' });
  const rebuilt = e.open();
  assert.equal((await rebuilt.search.start()).embedded, 0);
  assert.equal((await rebuilt.search.searchLocalPlaybooks('rotate keys')).hits[0]!.playbook_id, 'rotate-iam-access-keys');
  await rebuilt.search.close();
  assert.equal((await readIndexFile(indexFile))?.keyword?.version, KEYWORD_INDEX_VERSION);

  // A new process: nothing changed, nothing is embedded.
  const second = e.open();
  const r2 = await second.search.start();
  assert.deepEqual([r2.added, r2.updated, r2.removed, r2.unchanged, r2.embedded], [0, 0, 0, 4, 0]);
  assert.equal(second.counter.embedded, 0);

  // Publishing moves the playbook to synced: new area in the index, same text, so no embedding.
  await e.store.movePlaybook('rotate-iam-access-keys', 'synced');
  assert.deepEqual(await top(second.search, 'access keys', { area: 'synced' }), ['rotate-iam-access-keys']);
  assert.equal(second.counter.embedded, 1, 'only the query was embedded');

  // Someone edits metadata.json by hand (the extension's file watcher then calls reconcile).
  const pb = await e.store.getPlaybook('empty-and-delete-s3-bucket');
  const file = path.join(pb.dir, 'metadata.json');
  const meta = JSON.parse(await fs.readFile(file, 'utf8')) as { description: string };
  meta.description = 'Purge a Glacier vault and its archives';
  await fs.writeFile(file, JSON.stringify(meta, null, 2));
  const r3 = await second.search.reconcile();
  assert.equal(r3.updated, 1);
  assert.equal(r3.embedded, 1);
  assert.equal((await top(second.search, 'glacier vault'))[0], 'empty-and-delete-s3-bucket');
  assert.equal((await second.search.status()).stale, 0);
});

test('changing the embedding model re-indexes everything with the new model, never mixing vectors', async (t) => {
  const e = await env(t);
  await seed(e);
  const a = e.open();
  await a.search.start();
  await a.search.close();
  assert.equal((await a.search.status()).model, 'use-lite@1');

  const root = path.join(e.home, 'models');
  await buildTinyBert(root, 'escher-test/tiny-bert');
  const tiny = new WorkerEmbedder({ kind: 'transformers', model: 'escher-test/tiny-bert', localModelPath: root, allowRemoteModels: false });
  t.after(() => tiny.dispose());
  const b = e.open({ embedder: tiny });
  const r = await b.search.start();
  assert.match(r.reset ?? '', /use-lite@1 \(512d\) to hf:escher-test\/tiny-bert \(8d\)/);
  assert.equal(r.embedded, 4, 'every playbook embedded again');
  const s = await b.search.status();
  assert.deepEqual([s.model, s.dimension, s.indexed], ['hf:escher-test/tiny-bert', 8, 4]);
  assert.equal((await top(b.search, 'rotate keys'))[0], 'rotate-iam-access-keys');
  await b.search.close();

  // And back: the default model re-indexes again.
  const c = e.open();
  const r2 = await c.search.start();
  assert.match(r2.reset ?? '', /to use-lite@1/);
  assert.equal(r2.embedded, 4);
});

/** Indexes the seed playbooks in one LocalSearch, closes it, then flips one byte of the saved index file. */
async function damageIndex(e: Env, where: (bytes: Buffer) => number): Promise<void> {
  await seed(e);
  const a = e.open();
  await a.search.start();
  await a.search.close();
  const file = path.join(e.home, SEARCH_DIR, COLLECTION_FILE);
  const bytes = await fs.readFile(file);
  const at = where(bytes);
  bytes[at] = bytes[at]! ^ 0x20;
  await fs.writeFile(file, bytes);
}

test('a corrupt index file is rebuilt from the playbook files, with a visible warning', async (t) => {
  const e = await env(t);
  await damageIndex(e, (bytes) => sectionStart(bytes, 'quantized') + 100);

  const b = e.open();
  const res = await b.search.searchLocalPlaybooks('rotate keys');
  assert.equal(res.hits[0]!.playbook_id, 'rotate-iam-access-keys');
  assert.ok(res.warnings.some((w) => /unreadable \(checksum mismatch/.test(w)), res.warnings.join('\n'));
  assert.equal(b.counter.embedded, 4 + 1, 'every playbook again, plus the query');
  await b.search.close();
  const c = e.open();
  const r = await c.search.start();
  assert.equal(r.reset, undefined, 'the rebuilt file reads back cleanly');
});

test('a playbook whose payload is damaged in the index file is indexed again, with a warning, and found by the next search', async (t) => {
  const e = await env(t);
  await damageIndex(e, (bytes) => bytes.indexOf('"name":"Rotate IAM access keys"', sectionStart(bytes, 'payloads')) + 10);

  const b = e.open();
  assert.equal((await b.search.start()).reset, undefined, 'the file loads: payloads are read when shown');
  await b.search.searchLocalPlaybooks('rotate keys');
  assert.ok(e.warnings.some((w) => /rotate-iam-access-keys is indexed again \(checksum mismatch in a payload/.test(w)), e.warnings.join('\n'));
  assert.equal((await top(b.search, 'rotate keys'))[0], 'rotate-iam-access-keys');
  await b.search.close();
  const c = e.open();
  assert.equal((await c.search.start()).embedded, 0, 'the re-indexed playbook was saved');
  assert.equal((await top(c.search, 'rotate keys'))[0], 'rotate-iam-access-keys');
});

test('Qdrant configured but unreachable: search keeps working from the embedded index, with a warning', async (t) => {
  const e = await env(t);
  await seed(e);
  const { search } = e.open({ remote: new QdrantVectorStore({ url: 'http://127.0.0.1:9', timeoutMs: 1000 }) });
  const res = await search.searchLocalPlaybooks('rotate keys');
  assert.equal(res.backend, 'embedded');
  assert.equal(res.hits[0]!.playbook_id, 'rotate-iam-access-keys');
  assert.ok(res.warnings.some((w) => /^Qdrant at http:\/\/127\.0\.0\.1:9 \(collection user_playbooks\) is unavailable .*searching the embedded index instead$/.test(w)), res.warnings.join('\n'));
  const st = await search.status();
  assert.equal(st.qdrant?.reachable, false);
});

test('Qdrant reachable: mirrored from the embedded vectors (no second embedding), answers searches, falls back when it goes away', { skip: qdrantSpecAvailable() ? false : '../shared/data is absent: no OpenAPI description to validate the Qdrant double against' }, async (t) => {
  const double = await startQdrantDouble(QDRANT_SPEC!);
  let closed = false;
  t.after(() => (closed ? undefined : double.close()));
  const e = await env(t);
  await seed(e);
  // A generous timeout: on a loaded machine a live double can take a while to answer.
  const { search, counter } = e.open({ remote: new QdrantVectorStore({ url: double.url, timeoutMs: 15_000 }) });
  const res = await search.searchLocalPlaybooks('shut down db weekend');
  assert.equal(res.backend, 'qdrant');
  assert.deepEqual(res.warnings, []);
  assert.equal(res.hits[0]!.playbook_id, 'weekend-rds-shutdown');
  assert.equal(counter.embedded, 4 + 1, 'four playbooks and one query: Qdrant got copies, not new embeddings');
  assert.equal(double.collections.get('user_playbooks')!.points.size, 4);

  await e.store.deletePlaybook('weekend-rds-shutdown');
  assert.ok(!(await top(search, 'weekend shutdown')).includes('weekend-rds-shutdown'));
  assert.equal(double.collections.get('user_playbooks')!.points.size, 3, 'deletes reach Qdrant too');
  assert.deepEqual(double.violations, []);

  await double.close();
  closed = true;
  const down = await search.searchLocalPlaybooks('rotate keys');
  assert.equal(down.backend, 'embedded');
  assert.equal(down.hits[0]!.playbook_id, 'rotate-iam-access-keys');
  assert.ok(down.warnings.some((w) => /unavailable/.test(w)));
});

test('addToRag / removeFromRag, and resolving the server agent’s references to local playbooks', async (t) => {
  const e = await env(t);
  const { search } = e.open();
  await search.start();
  const pb = await e.store.createPlaybook(PLAYBOOKS[1]!);
  await search.removeFromRag(pb.metadata.playbook_id);
  assert.deepEqual(await top(search, 'rotate keys'), []);
  await search.addToRag(pb);
  assert.deepEqual(await top(search, 'rotate keys'), ['rotate-iam-access-keys']);
  await search.removeFromRag('never-indexed');

  const refs = await search.resolveReferences([
    { playbook_id: 'rotate-iam-access-keys', version: '1.0.0' },
    { playbook_id: 'rotate-iam-access-keys', version: '9.9.9' },
    { playbook_id: 'escher-aws-rds-stop', version: '1.0.0' },
  ]);
  assert.equal(refs[0]!.found, true);
  assert.equal(refs[0]!.found && refs[0]!.playbook.metadata.name, 'Rotate IAM access keys');
  assert.equal(refs[1]!.found, false);
  assert.match(!refs[1]!.found ? refs[1]!.reason : '', /no version 9\.9\.9/);
  assert.equal(refs[2]!.found, false);
});

test('a big first indexing job runs in the background: searches answer at once from what is indexed, and say so', async (t) => {
  const e = await env(t);
  const many: CreatePlaybookInput[] = Array.from({ length: 150 }, (_, i) => ({ name: `Nightly report ${i}`, description: `Collect usage figures for team ${i}`, cloud_provider: 'gcp' }));
  await e.store.createPlaybooks([...many, PLAYBOOKS[1]!]);
  const { search } = e.open();
  const early = await search.searchLocalPlaybooks('rotate keys');
  assert.ok(early.warnings.some((w) => /^still indexing \d+ playbook\(s\) in the background/.test(w)), early.warnings.join('\n'));
  const report = await search.start();
  assert.equal(report.added, 151);
  const later = await search.searchLocalPlaybooks('rotate keys');
  assert.deepEqual(later.warnings, []);
  assert.equal(later.hits[0]!.playbook_id, 'rotate-iam-access-keys');
});
