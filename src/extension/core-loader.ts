import * as path from 'node:path';

/** The shape of dist/extension-core.js (core-entry.ts). */
export type CoreModule = typeof import('./core-entry');

let loaded: CoreModule | undefined;

/**
 * Loads the core bundle on first call. In the packaged extension it is the sibling file
 * dist/extension-core.js (a separate esbuild entry, so activation does not parse it); when the
 * sources run directly (tests, tsx) it is core-entry.ts itself.
 */
export function loadCore(): CoreModule {
  if (!loaded) {
    const file = path.join(__dirname, __filename.endsWith('.ts') ? 'core-entry.ts' : 'extension-core.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, so esbuild leaves it out of extension.js
    loaded = require(file) as CoreModule;
  }
  return loaded;
}
