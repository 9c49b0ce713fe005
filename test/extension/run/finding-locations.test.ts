import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { findingLocations } from '../../../src/extension/run/finding-locations';

const DIR = path.join('/s', 'local', 'stop-db', 'v1.0.0');

test('findings land on the script line (0-based); no file, generated files and encrypted scripts land on metadata.json; clean files are listed to be cleared', () => {
  const m = findingLocations({
    versionDir: DIR,
    scripts: [{ path: 'shell/run.sh' }, { path: 'shell/lib.sh' }, { path: 'shell/secret.sh', sensitive: true }],
    findings: [
      { severity: 'warning', source: 'shellcheck', file: 'shell/run.sh', line: 4, column: 6, code: 'SC2086', message: 'Double quote to prevent globbing' },
      { severity: 'error', source: 'tools', message: 'terraform is not installed' },
      { severity: 'error', source: 'bash -n', file: 'shell/secret.sh', line: 2, message: 'syntax error' },
      { severity: 'warning', source: 'hcl', file: 'terraform/escher.auto.tfvars.json', message: 'odd' },
    ],
  });
  assert.deepEqual([...m.keys()], [path.join(DIR, 'metadata.json'), path.join(DIR, 'shell', 'run.sh'), path.join(DIR, 'shell', 'lib.sh')]);
  assert.deepEqual(m.get(path.join(DIR, 'shell', 'run.sh')), [
    { file: path.join(DIR, 'shell', 'run.sh'), line: 3, column: 5, severity: 'warning', message: 'Double quote to prevent globbing', source: 'Escher shellcheck', code: 'SC2086' },
  ]);
  assert.deepEqual(m.get(path.join(DIR, 'shell', 'lib.sh')), []);
  assert.deepEqual(
    m.get(path.join(DIR, 'metadata.json'))!.map((f) => [f.line, f.message]),
    [
      [0, 'terraform is not installed'],
      [0, 'shell/secret.sh:2: syntax error'],
      [0, 'terraform/escher.auto.tfvars.json: odd'],
    ],
  );
});
