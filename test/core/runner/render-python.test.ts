import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderPython } from '../../../src/core/runner/render/python';
import { pythonContexts } from '../../../src/core/runner/render/python-contexts';
import { findPlaceholders } from '../../../src/core/playbook-store/placeholders';
import { tempDir } from '../../helpers/temp-dir';
import { hostileValue, RUNS, stringValues } from './hostile-values';

/** {{x}} in every Python context the renderer knows; the script dumps what it got as JSON. */
const SCRIPT = [
  'import json, os',
  'got = []',
  'got.append({{x}})',
  'got.append("{{x}}")',
  "got.append('{{x}}')",
  'got.append("""a{{x}}b""")',
  "got.append('''{{x}}''')",
  'got.append(r"{{x}}")',
  "got.append(R'a{{x}}b')",
  'got.append(b"{{x}}".decode("utf-8"))',
  "got.append(rb'{{x}}'.decode('utf-8'))",
  'got.append(f"{{x}}")',
  "got.append(f'{1+1}{{x}}')",
  'got.append(u"{{x}}")',
  '# {{x}}; open(os.environ["CANARY"], "w")',
  'got.append({{n}} + 1)',
  'got.append({{items}})',
  'got.append({{cfg}})',
  'with open(os.environ["OUT"], "w", encoding="utf-8") as f:',
  '    json.dump(got, f)',
  '',
].join('\n');

test('python: a hostile value is data in every context — python3 reads back exactly the value', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'run.py');
  const out = path.join(dir, 'out.json');
  const canary = path.join(dir, 'canary');
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(hostileValue, hostileValue, async (v, w) => {
      const values = stringValues({ x: v, n: -3, items: [v, w], cfg: { [w]: [v, null, true, 1.5] } }, { n: 'integer', items: 'list', cfg: 'json' });
      const r = renderPython('python/run.py', SCRIPT, values);
      assert.deepEqual(r.findings, []);
      await fs.writeFile(file, r.text);
      const run = spawnSync('python3', [file], { env: { PATH: process.env.PATH, OUT: out, CANARY: canary, PYTHONDONTWRITEBYTECODE: '1' }, encoding: 'utf8' });
      assert.equal(run.status, 0, `${run.stderr}\n--- rendered:\n${r.text.slice(0, 2000)}`);
      assert.equal(existsSync(canary), false);
      const got = JSON.parse(await fs.readFile(out, 'utf8')) as unknown[];
      assert.deepEqual(got, [v, v, v, `a${v}b`, v, v, `a${v}b`, v, v, v, `2${v}`, v, -2, [v, w], { [w]: [v, null, true, 1.5] }]);
      checked++;
    }),
    { numRuns: RUNS },
  );
  t.diagnostic(`${checked} pairs of hostile values, 15 contexts each: read back exactly, nothing executed`);
});

test('python: contexts, and a raw string ending in a backslash is refused rather than guessed', () => {
  const ctx = (text: string) => pythonContexts(text, findPlaceholders(text)).map((c) => (c.kind === 'string' ? `${c.prefix}${c.quote}` : c.kind));
  assert.deepEqual(ctx('x = {{a}} # {{a}}\ny = "{{a}}" + rb\'{{a}}\' + f"""{{a}}"""\nname_r"{{a}}"'), ['code', 'comment', '"', "rb'", 'f"""', '"']);
  const r = renderPython('python/a.py', 'p = r"C:\\{{x}}"\n', stringValues({ x: 'v' }));
  assert.match(r.findings[0]!.message, /follows a backslash in a raw string/);
});
