import { createRequire } from 'node:module';

/**
 * Terraform's own HCL parser compiled to WASM (@cdktf/hcl2json, offline). Loaded at run time
 * with require, not imported: its typings pull in the DOM library, and it reads its .wasm file
 * next to its own code, so it stays outside the bundles (esbuild.mjs lists it as external).
 */
export interface HclParser {
  parse(filename: string, contents: string): Promise<Record<string, unknown>>;
}

export function loadHclParser(): HclParser {
  return createRequire(__filename)('@cdktf/hcl2json') as HclParser;
}
