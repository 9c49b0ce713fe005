import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderShell } from '../../../src/core/runner/render/shell';
import { shellContexts } from '../../../src/core/runner/render/shell-contexts';
import { findPlaceholders } from '../../../src/core/playbook-store/placeholders';
import { tempDir } from '../../helpers/temp-dir';
import { hostileValue, RUNS, stringValues } from './hostile-values';

/** One script using {{x}} in every shell context the renderer knows; each use writes one NUL-terminated record. */
const SCRIPT = [
  '#!/usr/bin/env bash',
  'set -u',
  'out() { printf "%s\\0" "$1" >> "$OUT"; }',
  'out {{x}}',
  'out "{{x}}"',
  "out 'a{{x}}b'",
  "out $'c{{x}}d'",
  'out "pre-$(printf "%s" {{x}})-post"',
  'out "${UNSET_VAR:-{{x}}}"',
  'out "`printf "%s" {{x}}`"',
  'cat >> "$OUT" <<EOF',
  'h{{x}}',
  'EOF',
  'printf "\\0" >> "$OUT"',
  '# a comment {{x}}; touch "$CANARY"',
  'out "$(( {{n}} + 1 ))"',
  'out done',
].join('\n');

function expected(v: string): string[] {
  const trimmed = v.replace(/\n+$/, ''); // command substitution drops trailing newlines
  return [v, v, `a${v}b`, `c${v}d`, `pre-${trimmed}-post`, v, trimmed, `h${v}\n`, '8', 'done'];
}

test('shell: a hostile value is data in every context — bash prints it back exactly and runs nothing of it', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'run.sh');
  const out = path.join(dir, 'out');
  const canary = path.join(dir, 'canary');
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(hostileValue, async (v) => {
      const r = renderShell('shell/run.sh', SCRIPT, stringValues({ x: v, n: 7 }, { n: 'integer' }));
      assert.deepEqual(r.findings, []);
      assert.ok(!r.text.includes('touch "$CANARY")') || !v.includes('touch') || SCRIPT.includes('touch'), 'no value text is written into the script');
      await fs.writeFile(file, r.text);
      await fs.rm(out, { force: true });
      const run = spawnSync('bash', [file], { env: { PATH: process.env.PATH, OUT: out, CANARY: canary, ESCHER_PARAM_X: v, ESCHER_PARAM_N: '7' }, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(existsSync(canary), false, `the value ran code: ${JSON.stringify(v.slice(0, 80))}`);
      const records = (await fs.readFile(out, 'utf8')).split('\0').slice(0, -1);
      assert.deepEqual(records, expected(v));
      checked++;
    }),
    { numRuns: RUNS },
  );
  t.diagnostic(`${checked} hostile values, 10 contexts each: printed back exactly, nothing executed`);
});

test('shell: contexts of placeholders, and the places a value cannot be filled safely', () => {
  const ctx = (text: string) => shellContexts(text, findPlaceholders(text));
  assert.deepEqual(ctx('a {{x}} "b {{x}}" \'c {{x}}\' $\'d {{x}}\' # {{x}}\n$(( {{x}} ))'), ['code', 'double', 'single', 'ansi', 'comment', 'arith']);
  assert.deepEqual(ctx('cat <<EOF\n{{x}}\nEOF\ncat <<\'EOF\'\n{{x}}\nEOF\ncat <<-"E"\n\t{{x}}\n\tE\necho {{x}}'), ['heredoc', 'heredoc-quoted', 'heredoc-quoted', 'code']);
  assert.deepEqual(ctx('echo "$(echo \'{{x}}\' "{{x}}")" `echo {{x}}` ${v:-{{x}}} x#{{x}}'), ['single', 'double', 'code', 'code', 'code']);
  assert.deepEqual(ctx('echo ${{x}}'), ['tangled']);
  const values = stringValues({ x: 'v' });
  const refused = (text: string) => renderShell('shell/a.sh', text, values).findings.map((f) => f.message);
  assert.match(refused("cat <<'EOF'\n{{x}}\nEOF\n")[0]!, /quoted here-document/);
  assert.match(refused('echo $(( {{x}} + 1 ))')[0]!, /declare the parameter integer or number/);
  assert.match(refused('echo ${{x}}')[0]!, /glued to shell syntax/);
  assert.equal(renderShell('shell/a.sh', 'echo {{x}} "{{x}}"', values).text, 'echo "${ESCHER_PARAM_X}" "${ESCHER_PARAM_X}"');
});
