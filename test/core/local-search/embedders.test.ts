import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError } from '../../../src/core/shared/errors';
import { resolveConfig } from '../../../src/core/shared/config';
import { embedderSpecFromConfig } from '../../../src/core/local-search/embedder-factory';
import { WorkerEmbedder } from '../../../src/core/local-search/worker-embedder';
import { buildTinyBert, expectedVector } from './tiny-bert';

/** Real models only: USE-lite from npm, and a tiny BERT-shaped ONNX model built here for transformers.js. */
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
let tmp: string;
let use: WorkerEmbedder;

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-embed-'));
  use = new WorkerEmbedder({ kind: 'use-lite' });
});
after(async () => {
  await use.dispose();
  await fs.rm(tmp, { recursive: true, force: true });
});

test('USE-lite in a worker (from the TypeScript sources): 512-d unit vectors that put paraphrases together', async () => {
  assert.equal(use.id, 'use-lite@1');
  assert.equal(await use.dimension(), 512);
  const [reboot, restart, bucket] = await use.embed(['reboot the web servers', 'restart the web servers', 'create an s3 bucket']);
  for (const v of [reboot!, restart!, bucket!]) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-3);
  assert.ok(dot(reboot!, restart!) > dot(reboot!, bucket!) + 0.1, 'paraphrases are closer than unrelated text');
});

test('USE-lite: batches keep their order and equal one-by-one results; case does not matter', async () => {
  const texts = ['stop the database', 'a much longer text about rotating the access keys of every service user', 'S3'];
  const batch = await use.embed(texts);
  for (let i = 0; i < texts.length; i++) {
    const [one] = await use.embed([texts[i]!]);
    assert.ok(dot(batch[i]!, one!) > 0.999, `text ${i} embeds the same alone and in a batch`);
  }
  const [upper] = await use.embed(['STOP THE DATABASE']);
  assert.ok(dot(upper!, batch[0]!) > 0.9999, 'input is lower-cased');
  assert.deepEqual(await use.embed([]), []);
});

const DIST = path.resolve(__dirname, '../../../dist');
test('the bundled worker (dist/embedding-worker.js) gives the same vectors as the sources', { skip: existsSync(path.join(DIST, 'embedding-worker.js')) ? false : 'dist/embedding-worker.js is not built (npm run build)' }, async () => {
  const bundled = new WorkerEmbedder({ kind: 'use-lite' }, { workerDir: DIST });
  try {
    const [a] = await bundled.embed(['resize the instance']);
    const [b] = await use.embed(['resize the instance']);
    assert.ok(dot(a!, b!) > 0.9999);
  } finally {
    await bundled.dispose();
  }
});

test('transformers.js from a local model folder, offline: a real ONNX model, mean-pooled and normalised', async () => {
  const root = path.join(tmp, 'models');
  await buildTinyBert(root, 'escher-test/tiny-bert');
  const e = new WorkerEmbedder({ kind: 'transformers', model: 'escher-test/tiny-bert', localModelPath: root, allowRemoteModels: false });
  try {
    assert.equal(e.id, 'hf:escher-test/tiny-bert');
    assert.equal(await e.dimension(), 8);
    const texts = ['stop database', 'Rotate keys weekend', 'delete'];
    const got = await e.embed(texts);
    texts.forEach((t, i) => {
      const want = expectedVector(t);
      got[i]!.forEach((x, j) => assert.ok(Math.abs(x - want[j]!) < 1e-5, `${t}[${j}]`));
    });
  } finally {
    await e.dispose();
  }
});

test('transformers.js: a model that is not on disk is a ConfigError saying where to put it, never a download', async () => {
  const e = new WorkerEmbedder({ kind: 'transformers', model: 'Xenova/all-MiniLM-L6-v2', localModelPath: path.join(tmp, 'empty'), allowRemoteModels: false });
  try {
    await assert.rejects(e.embed(['x']), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /not in .*empty/);
      assert.equal(err.hintCode, 'model-missing');
      return true;
    });
  } finally {
    await e.dispose();
  }
});

test('config: use-lite by default, hf:<id> for transformers.js, anything else is a ConfigError', () => {
  const cfg = (m: string) => resolveConfig({ home: tmp, search: { embeddingModel: m } }, {}).search;
  assert.deepEqual(embedderSpecFromConfig(cfg('use-lite')), { kind: 'use-lite' });
  assert.deepEqual(embedderSpecFromConfig(cfg('hf:Xenova/bge-small-en-v1.5')), {
    kind: 'transformers',
    model: 'Xenova/bge-small-en-v1.5',
    localModelPath: path.join(tmp, 'models'),
    allowRemoteModels: false,
  });
  for (const bad of ['gpt-4', 'hf:../../etc', 'hf:']) assert.throws(() => embedderSpecFromConfig(cfg(bad)), ConfigError, bad);
});
