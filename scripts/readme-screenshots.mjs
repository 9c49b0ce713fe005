// Copies the README's screenshots from the last end-to-end run (test-artifacts/e2e/, written by
// `npm test` or `node scripts/run-tests.mjs test/e2e`) to docs/screenshots/, under the names the
// README uses. Look at each one before committing: the caption must still say what it shows.
// Usage: node scripts/readme-screenshots.mjs
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const RUNS = path.join('test-artifacts', 'e2e');
/** docs/screenshots/<name> ← the step screenshot of <run> whose file name ends with <suffix>. */
const SHOTS = [
  ['tree-at-scale.png', 'scale', '-tree-at-scale.png'],
  ['connect-wrong-token.png', 'trusted', '-connect-wrong-token.png'],
  ['search-quick-pick.png', 'scale', '-search-at-scale.png'],
  ['code-lens-synced.png', 'trusted', '-code-lens-synced.png'],
  ['code-lens-upload-confirm.png', 'trusted', '-code-lens-upload-confirm.png'],
  ['review-rejected.png', 'trusted', '-review-rejected.png'],
  ['invalid-metadata.png', 'trusted', '-a-hand-broken-metadata-json-shows-as-an-error-row-that-opens-the-file-with-its-p.png'],
  ['restricted-mode.png', 'restricted', '-restricted-mode-refused.png'],
  ['run-confirmation.png', 'trusted', '-run-confirmation.png'],
  ['run-terminal.png', 'trusted', '-run-it-from-the-tree-type-the-parameter-confirm-the-exact-command-see-the-value-.png'],
  ['run-unreviewed-log.png', 'trusted', '-run-log-unreviewed.png'],
];

let missing = 0;
for (const [name, run, suffix] of SHOTS) {
  const dir = path.join(RUNS, run);
  const found = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(suffix) && !f.includes('FAILED')) : undefined;
  if (!found) {
    console.error(`missing: ${run}/*${suffix} (run the e2e tests first)`);
    missing++;
    continue;
  }
  copyFileSync(path.join(dir, found), path.join('docs', 'screenshots', name));
  console.log(`docs/screenshots/${name} <- ${path.join(dir, found)}`);
}
process.exit(missing ? 1 : 0);
