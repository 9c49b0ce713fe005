import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CliResult } from '../../helpers/cli';
import { runMain } from '../../helpers/cli-main';
import { tempDir } from '../../helpers/temp-dir';

/** Importing or creating what is already there (main() in-process): said, chosen, never a silent `-2`. */
function cli(home: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runMain(args, { ESCHER_HOME: home, ...env });
}

const YAML = `- name: Restart web
  description: restarts the web tier
  scripts:
    shell/restart.sh: |
      systemctl restart web
- name: Rotate logs
  description: rotates logs
`;

async function ids(home: string): Promise<string[]> {
  return (JSON.parse((await cli(home, ['--json', 'list'])).stdout) as Array<{ playbook_id: string; version: string }>).map((p) => `${p.playbook_id} v${p.version}`);
}

test('re-importing the same YAML skips what is there (exit 0); an edited one is skipped and said to differ (exit 9)', async (t) => {
  const home = await tempDir(t);
  const file = path.join(home, 'specs.yaml');
  await fs.writeFile(file, YAML);
  assert.equal((await cli(home, ['import', file])).code, 0);
  const again = await cli(home, ['import', file]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(
    again.stdout,
    ['#0 Restart web: skipped: restart-web v1.0.0 (local) already holds exactly this', '#1 Rotate logs: skipped: rotate-logs v1.0.0 (local) already holds exactly this', 'imported 0 of 2 playbooks, 2 skipped (already there)', ''].join('\n'),
  );
  assert.deepEqual(await ids(home), ['restart-web v1.0.0', 'rotate-logs v1.0.0'], 'no -2 copies');
  await fs.writeFile(file, YAML.replace('restarts the web tier', 'restarts the web tier, gracefully'));
  const edited = await cli(home, ['--json', 'import', file]);
  assert.equal(edited.code, 9, 'part of the file did not arrive');
  const report = JSON.parse(edited.stdout) as { created: number; skipped: number; items: Array<{ status: string; identical?: boolean }> };
  assert.deepEqual([report.created, report.skipped, report.items.map((i) => [i.status, i.identical])], [0, 2, [['skipped', false], ['skipped', true]]]);
  assert.deepEqual(await ids(home), ['restart-web v1.0.0', 'rotate-logs v1.0.0']);
});

test('--on-existing new-version adds the changed one as its next version; copy keeps both and says which', async (t) => {
  const home = await tempDir(t);
  const file = path.join(home, 'specs.yaml');
  await fs.writeFile(file, YAML);
  await cli(home, ['import', file]);
  await fs.writeFile(file, YAML.replace('systemctl restart web', 'systemctl restart web --now'));
  const next = await cli(home, ['import', file, '--on-existing', 'new-version']);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stdout, /^#0 Restart web: added restart-web v1\.0\.1 \(local\) as the next version of the existing playbook$/m);
  assert.match(next.stdout, /^#1 Rotate logs: skipped: rotate-logs v1\.0\.0 \(local\) already holds exactly this$/m);
  assert.match(next.stdout, /^imported 1 of 2 playbooks, 1 skipped \(already there\)$/m);
  assert.equal((await cli(home, ['show', 'restart-web', '--script', 'shell/restart.sh'])).stdout, 'systemctl restart web --now\n');
  const copy = await cli(home, ['import', file, '--on-existing', 'copy']);
  assert.equal(copy.code, 0);
  assert.match(copy.stdout, /^#0 Restart web: created restart-web-2 v1\.0\.0 \(local\) beside "restart-web", which is already there \(a separate copy\)$/m);
  assert.deepEqual(await ids(home), ['restart-web v1.0.1', 'restart-web-2 v1.0.0', 'rotate-logs v1.0.0', 'rotate-logs-2 v1.0.0']);
  assert.equal((await cli(home, ['import', file, '--on-existing', 'merge'])).code, 2);
});

test('create with a name in use: refused with the choices (exit 4) unless identical; the choices do what they say', async (t) => {
  const home = await tempDir(t);
  const args = ['create', '--name', 'Restart web', '--description', 'restarts'];
  assert.equal((await cli(home, args)).stdout, 'created restart-web v1.0.0 (local)\n');
  const same = await cli(home, args);
  assert.deepEqual([same.code, same.stdout], [0, 'skipped: restart-web v1.0.0 (local) already holds exactly this; nothing created\n']);
  const other = await cli(home, ['create', '--name', 'Restart web', '--description', 'restarts, gracefully']);
  assert.equal(other.code, 4);
  assert.equal(other.stderr.trim().split('\n').length, 1);
  assert.match(other.stderr, /^error: A playbook named "Restart web" already exists, with other content: restart-web v1\.0\.0 \(local\) \(nothing was created; --on-existing new-version/);
  const next = await cli(home, ['create', '--name', 'Restart web', '--description', 'restarts, gracefully', '--on-existing', 'new-version']);
  assert.equal(next.stdout, 'added restart-web v1.0.1 (local) as the next version of the existing playbook\n');
  const copy = await cli(home, ['create', '--name', 'Restart web', '--description', 'another', '--on-existing', 'copy']);
  assert.equal(copy.stdout, 'created restart-web-2 v1.0.0 (local) beside "restart-web", which is already there (a separate copy)\n');
  assert.deepEqual(await ids(home), ['restart-web v1.0.1', 'restart-web-2 v1.0.0']);
});

test('a bundle from another home where the id exists and no data key does: reported as existing, and no key is created', async (t) => {
  const a = await tempDir(t);
  const b = await tempDir(t);
  assert.equal((await cli(a, ['create', '--name', 'DB rotate', '--description', 'd', '--secret-param-env', 'pw=PW'], { PW: 'hunter2' })).code, 0);
  const bundle = path.join(a, 'bundle.json');
  assert.equal((await cli(a, ['export', 'db-rotate', '--out', bundle])).code, 0);
  assert.equal((await cli(b, ['create', '--id', 'db-rotate', '--name', 'DB rotate', '--description', 'here'])).code, 0);
  const r = await cli(b, ['import', bundle]);
  assert.equal(r.code, 9, r.stdout);
  assert.match(r.stdout, /^#0 DB rotate: skipped: db-rotate v1\.0\.0 \(local\) is already there with other content/m);
  assert.doesNotMatch(r.stdout, /authentication/);
  const fresh = await tempDir(t);
  const nokey = await cli(fresh, ['import', bundle]);
  assert.equal(nokey.code, 9);
  assert.match(nokey.stdout, /^failed {2}#0 DB rotate: "DB rotate" holds sensitive values sealed with another home's data key, and this home has none \(set ESCHER_KEY/m);
  for (const h of [b, fresh]) {
    const secrets = await fs.readFile(path.join(h, 'secrets.json'), 'utf8').catch(() => '{}');
    assert.equal((JSON.parse(secrets) as Record<string, string>)['escher.dataKey'], undefined, 'no data key was made that could never open the bundle');
  }
});
