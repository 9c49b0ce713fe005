import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CLI_HINTS } from '../../../src/cli/hints';
import { HINT_CODES } from '../../../src/core/shared/hint-codes';

const CORE = path.join(__dirname, '..', '..', '..', 'src', 'core');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

/**
 * A hint the core writes reaches every surface as it is: one naming a CLI command, a flag or an
 * environment variable would tell a VS Code user to type something VS Code has no place for.
 * Such advice belongs in a hint code that each surface words (hint-codes.ts). Left out: the run
 * engine's answers to requests only the CLI makes (a run id typed by hand, --format, a preview
 * without --dry-run) — VS Code picks those from rows and dialogs, so it never meets these errors.
 */
const CLI_ONLY = ['journal.ts', 'plan.ts', 'prepare.ts'].map((f) => path.join(CORE, 'runner', f));

test('no hint written in the core names a CLI command, a flag or an environment variable', () => {
  const offenders: string[] = [];
  for (const file of files(CORE).filter((f) => !CLI_ONLY.includes(f))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const hint = /\bhint: *(['`"])(.*?)\1/.exec(line)?.[2];
        if (hint !== undefined && /escher-playbook|\bESCHER_[A-Z]|\$ESCHER|(^|\s)--[a-z]|\bescher\.(server\.url|tenantId|home|playbooksDir|cacheDir|cache\.|sync\.|search\.)/.test(hint)) offenders.push(`${path.relative(CORE, file)}:${i + 1}: ${hint}`);
      });
  }
  assert.deepEqual(offenders, []);
});

test('the CLI words every hint code in its own terms', () => {
  assert.deepEqual(Object.keys(CLI_HINTS).sort(), [...HINT_CODES].sort());
  // The rejected-token advice names a command that exists (it once said `escher-playbook auth login`).
  assert.match(CLI_HINTS['token-rejected'], /`escher-playbook login`/);
  assert.doesNotMatch(Object.values(CLI_HINTS).join('\n'), /auth login|Escher: |escher\.server/);
});
