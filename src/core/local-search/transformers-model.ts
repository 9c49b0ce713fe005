import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../shared/errors';
import type { EmbedderSpec } from './embedder';
import { normalize } from './embedder';
import type { EmbeddingModel } from './embedder';

type TransformersSpec = Extract<EmbedderSpec, { kind: 'transformers' }>;

const BATCH = 32;

/**
 * A sentence-embedding model run by transformers.js (@huggingface/transformers, ONNX Runtime):
 * e.g. Xenova/all-MiniLM-L6-v2 or Xenova/bge-small-en-v1.5, read from
 * `<localModelPath>/<model id>/` (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx). The Hugging Face hub is contacted only when the user opted in with
 * `allowRemoteModels`; otherwise a missing folder is a ConfigError saying where to put it.
 * The package is ~380 MB with a native runtime, so it is imported only here, on first use.
 */
export async function loadTransformersModel(spec: TransformersSpec): Promise<EmbeddingModel> {
  const modelDir = path.join(spec.localModelPath, spec.model);
  const hasLocal = await fs
    .stat(path.join(modelDir, 'config.json'))
    .then(() => true)
    .catch(() => false);
  if (!hasLocal && !spec.allowRemoteModels) {
    throw new ConfigError(`embedding model ${spec.model} is not in ${modelDir}`, {
      hint: 'copy the model folder (config.json, tokenizer.json, onnx/model.onnx) there, or allow model downloads',
      hintCode: 'model-missing',
    });
  }
  const { env, pipeline } = await import('@huggingface/transformers');
  env.localModelPath = spec.localModelPath;
  env.allowLocalModels = true;
  env.allowRemoteModels = spec.allowRemoteModels;
  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    extractor = await pipeline('feature-extraction', spec.model, { dtype: 'fp32' });
  } catch (e) {
    throw new ConfigError(`cannot load embedding model ${spec.model}: ${(e as Error).message}`, {
      hint: `check the files in ${modelDir} (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)`,
      cause: e,
    });
  }
  const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
  const dimension = probe.dims[1] ?? 0;
  return {
    id: `hf:${spec.model}`,
    dimension,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let s = 0; s < texts.length; s += BATCH) {
        const chunk = texts.slice(s, s + BATCH);
        const t = await extractor([...chunk], { pooling: 'mean', normalize: true });
        const data = t.data as Float32Array;
        for (let i = 0; i < chunk.length; i++) out.push(normalize(Float32Array.from(data.subarray(i * dimension, (i + 1) * dimension))));
      }
      return out;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}

