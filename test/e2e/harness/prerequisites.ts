import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * What the real-VS-Code tests need, installed by scripts/setup-e2e.sh: code-server under .e2e/,
 * Debian's Chromium, and the built bundles. `missingPrerequisite()` names the first thing absent
 * so the tests skip with a message that says what to run.
 */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CODE_SERVER_ENTRY = path.join(REPO, '.e2e', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.ESCHER_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const EXTENSION_BUNDLE = path.join(REPO, 'dist', 'extension.js');
export const DEV_SERVER_BUNDLE = path.join(REPO, 'dist', 'dev-server.js');
export const ARTIFACTS = path.join(REPO, 'test-artifacts', 'e2e');

export function missingPrerequisite(): string | undefined {
  if (process.env.ESCHER_E2E === '0') return 'ESCHER_E2E=0 set: end-to-end tests disabled';
  if (!existsSync(CODE_SERVER_ENTRY)) return `code-server is not installed in .e2e/ (run: bash scripts/setup-e2e.sh)`;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (run: bash scripts/setup-e2e.sh, which apt-installs chromium)`;
  if (!existsSync(EXTENSION_BUNDLE)) return 'dist/extension.js is not built (run: npm run build)';
  if (!existsSync(DEV_SERVER_BUNDLE)) return 'dist/dev-server.js is not built (run: npm run build)';
  return undefined;
}
