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
 * Such advice belongs in a hint code that each surface words (hint-codes.ts). The run engine
 * (src/core/runner/) is left out: its requests are the CLI's flags and only the CLI runs it so far;
 * a second host of it needs hint codes there first.
 */
const CLI_ONLY = [path.join(CORE, 'runner') + path.sep];

test('no hint written in the core names a CLI command, a flag or an environment variable', () => {
  const offenders: string[] = [];
  for (const file of files(CORE).filter((f) => !CLI_ONLY.some((dir) => f.startsWith(dir)))) {
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
