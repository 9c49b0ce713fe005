import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { which } from '../../src/core/runner/tools';
import { tempDir } from './temp-dir';

/**
 * terraform, aws and az cannot reach a cloud from these machines (and are usually not
 * installed): tests put recording fakes of them first on PATH. Each call appends one JSON file to
 * the record folder: the tool, its exact argv, its working folder, the ESCHER_/TF_ variables it
 * saw, and the text of every file its arguments name (-chdir=DIR, file://…, @…, absolute paths) —
 * the run folder is gone when the test looks, so the generated parameter files are kept here.
 * `FAKE_FAIL=terraform:plan` makes that call exit 1. `terraform validate -json` answers valid.
 *
 * The PATH holds only the fakes and links to what a run really needs (bash, sh, env, python3,
 * shellcheck when installed, coreutils for the scripts), so a real terraform/aws/az/cfn-lint on
 * the machine is never found.
 */
const FAKE = `#!/usr/bin/env python3
import json, os, sys
tool = os.path.basename(sys.argv[0])
rec = os.environ['FAKE_RECORD_DIR']
os.makedirs(rec, exist_ok=True)
n = len([x for x in os.listdir(rec) if x.endswith('.json')])
files = {}
def keep(p):
    if os.path.isfile(p):
        with open(p, encoding='utf-8', errors='replace') as fh:
            files[p] = fh.read()
    elif os.path.isdir(p):
        for root, _, names in os.walk(p):
            for f in names:
                keep(os.path.join(root, f))
for a in sys.argv[1:]:
    if a.startswith('-chdir='): keep(a[7:])
    elif a.startswith('file://'): keep(a[7:])
    elif a.startswith('@'): keep(a[1:])
    elif a.startswith('-out='): pass
    elif os.path.isabs(a): keep(a)
env = {k: v for k, v in os.environ.items() if k.startswith('ESCHER_') or k.startswith('TF_')}
with open(os.path.join(rec, '%03d.json' % n), 'w') as fh:
    json.dump({'tool': tool, 'argv': sys.argv[1:], 'cwd': os.getcwd(), 'env': env, 'files': files}, fh)
for a in sys.argv:
    if a.startswith('-out='):
        with open(a[5:], 'w') as fh:
            fh.write('fake plan')
if tool == 'terraform' and 'validate' in sys.argv:
    print(json.dumps({'valid': True, 'error_count': 0, 'warning_count': 0, 'diagnostics': []}))
elif tool == 'terraform' and 'fmt' in sys.argv:
    pass
else:
    print('%s (fake): %s' % (tool, ' '.join(sys.argv[1:])))
fail = os.environ.get('FAKE_FAIL', '')
if fail and fail.split(':')[0] == tool and fail.split(':')[1] in sys.argv:
    print('%s failed (fake)' % tool, file=sys.stderr)
    sys.exit(1)
`;

export interface FakeCall {
  tool: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  files: Record<string, string>;
}

export interface ToolBox {
  /** PATH for the run: fakes first, then links to the real programs a run needs. */
  path: string;
  recordDir: string;
  calls(): Promise<FakeCall[]>;
}

const REAL = ['bash', 'sh', 'dash', 'env', 'python3', 'shellcheck', 'cat', 'ls', 'pwd', 'touch', 'rm', 'mkdir', 'printf', 'sleep', 'echo', 'id', 'true', 'false', 'dirname', 'basename'];

export async function toolBox(t: TestContext, fakes: ReadonlyArray<'terraform' | 'aws' | 'az'> = ['terraform', 'aws', 'az']): Promise<ToolBox> {
  const root = await tempDir(t, 'escher-tools-');
  const fakeDir = path.join(root, 'fakes');
  const realDir = path.join(root, 'real');
  await fs.mkdir(fakeDir);
  await fs.mkdir(realDir);
  for (const f of fakes) await fs.writeFile(path.join(fakeDir, f), FAKE, { mode: 0o755 });
  for (const program of REAL) {
    // python3 from the system first: a version manager's shim needs its own PATH to work.
    const found = program === 'python3' && existsSync('/usr/bin/python3') ? '/usr/bin/python3' : which(program, process.env);
    if (found) await fs.symlink(found, path.join(realDir, program));
  }
  const recordDir = path.join(root, 'calls');
  return {
    path: `${fakeDir}${path.delimiter}${realDir}`,
    recordDir,
    async calls() {
      const names = existsSync(recordDir) ? (await fs.readdir(recordDir)).filter((n) => n.endsWith('.json')).sort() : [];
      return Promise.all(names.map(async (n) => JSON.parse(await fs.readFile(path.join(recordDir, n), 'utf8')) as FakeCall));
    },
  };
}
