import { build } from 'esbuild';
import * as path from 'node:path';

/**
 * Bundles test/helpers/store-worker.ts into `outDir` so child processes start as fast as the
 * real CLI does (plain node, no TypeScript loader): ~0.1 s instead of ~0.5 s per spawn.
 */
export async function bundleStoreWorker(outDir: string): Promise<string> {
  return bundleTestWorker(outDir, 'store-worker');
}

/** The same for any worker in test/helpers (`name` without .ts). */
export async function bundleTestWorker(outDir: string, name: string): Promise<string> {
  const outfile = path.join(outDir, `${name}.js`);
  await build({
    entryPoints: [path.join(__dirname, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    // usearch is a native module: loaded from node_modules at run time, not bundled.
    external: ['usearch'],
  });
  return outfile;
}
