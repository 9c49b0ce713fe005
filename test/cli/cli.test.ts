import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { PlaybookMetadata } from '../../src/core/playbook-store/metadata';
import type { PlaybookSummary } from '../../src/core/playbook-store/types';
import { ensureCliBuilt, json, REPO, runCli } from '../helpers/cli';
import { startTestServer, TEST_TENANT, TEST_TOKEN } from '../helpers/dev-server';
import { tempDir } from '../helpers/temp-dir';

/** The CLI contract, exercised on the built dist/cli.js exactly as a user or a script runs it. */
before(() => ensureCliBuilt());

const AWS_RUNBOOKS = path.resolve(REPO, '..', 'shared', 'data', 'aws-runbooks.json');

test('--version loads only a few kB: no commander, no command module, no core', async () => {
  // Everything dist/cli.mjs imports statically (transitively) is read and compiled on every start.
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await fs.readFile(path.join(REPO, 'dist', file), 'utf8');
    for (const m of code.matchAll(/^import\s(?:[^;]*?\sfrom\s*)?"\.\/(cli-[^"]+)"/gm)) await visit(m[1]!);
  };
  await visit('cli.mjs');
  let bytes = 0;
  for (const f of seen) bytes += (await fs.stat(path.join(REPO, 'dist', f))).size;
  assert.ok(bytes < 16 * 1024, `the start-up closure of dist/cli.mjs is ${bytes} bytes (${[...seen].join(', ')})`);
});

test('--version, --help and a bad command line', async (t) => {
  const home = await tempDir(t);
  const pkg = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) assert.equal((await runCli(home, [flag])).stdout, `${pkg.version}\n`);
  const help = await runCli(home, ['--help']);
  assert.equal(help.code, 0);
  for (const cmd of ['create', 'list', 'show', 'update', 'delete', 'accept', 'discard', 'import', 'export', 'doctor', 'login', 'logout']) assert.match(help.stdout, new RegExp(`\\n  ${cmd}\\b`));
  const showHelp = await runCli(home, ['show', '--help']);
  assert.equal(showHelp.code, 0);
  assert.match(showHelp.stdout, /--version <version>/);
  for (const bad of [['bogus'], ['show'], ['list', '--area', 'attic'], ['create', '--name', 'x']]) {
    const r = await runCli(home, bad);
    assert.equal(r.code, 2, `${bad.join(' ')} exits 2`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line on stderr: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('create, list, show, update, delete through the CLI, human and --json', async (t) => {
  const home = await tempDir(t);
  const scriptDir = await tempDir(t);
  await fs.writeFile(path.join(scriptDir, 'stop.sh'), '#!/bin/sh\necho stop\n');
  await fs.writeFile(path.join(scriptDir, 'main.tf'), 'resource "x" "y" {}\n');
  const created = await runCli(home, ['create', '--name', 'Weekend RDS Shutdown', '--description', 'Stops RDS on Fridays', '--keywords', 'rds,cost', '--cloud', 'aws', '--resource-types', 'rds', '--script', `shell=${path.join(scriptDir, 'stop.sh')}`, '--script', `terraform=${path.join(scriptDir, 'main.tf')}`, '--strategy', 'uploaded_for_review']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, 'created weekend-rds-shutdown v1.0.0 (local)\n');
  assert.ok(existsSync(path.join(home, 'playbooks', 'local', 'weekend-rds-shutdown', 'v1.0.0', 'terraform', 'main.tf')));

  const meta = json<PlaybookMetadata>(await runCli(home, ['--json', 'create', '--name', 'Second', '--description', 'd', '--ai-generated']));
  assert.equal(meta.playbook_id, 'second');
  assert.equal(meta.source, 'ai_generated');
  assert.equal(meta.schema_version, 1);

  const list = json<PlaybookSummary[]>(await runCli(home, ['list', '--json']));
  assert.deepEqual(list.map((s) => [s.playbook_id, s.area, s.version]), [['second', 'ai-generated', '1.0.0'], ['weekend-rds-shutdown', 'local', '1.0.0']]);
  assert.deepEqual(list[1]!.formats, ['shell', 'terraform']);
  const human = await runCli(home, ['list', '--area', 'local']);
  assert.match(human.stdout, /^ID\s+VERSION\s+AREA\s+REVIEW\s+CLOUD\s+FORMATS\s+NAME\nweekend-rds-shutdown\s+1\.0\.0\s+local\s+-\s+aws\s+shell,terraform\s+Weekend RDS Shutdown\n$/);

  const upd = await runCli(home, ['update', 'weekend-rds-shutdown', '--description', 'Stops RDS and snapshots', '--bump', 'minor', '--remove-script', 'terraform/main.tf']);
  assert.equal(upd.stdout, 'updated weekend-rds-shutdown to v1.1.0 (local)\n');
  const shown = json<{ area: string; versions: string[]; metadata: PlaybookMetadata }>(await runCli(home, ['show', 'weekend-rds-shutdown', '--json']));
  assert.deepEqual(shown.versions, ['1.0.0', '1.1.0']);
  assert.equal(shown.metadata.description, 'Stops RDS and snapshots');
  assert.deepEqual(shown.metadata.scripts.map((s) => s.path), ['shell/stop.sh']);
  const old = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', 'weekend-rds-shutdown', '--version', '1.0.0', '--json']));
  assert.equal(old.metadata.scripts.length, 2);
  assert.equal((await runCli(home, ['show', 'weekend-rds-shutdown', '--script', 'shell/stop.sh'])).stdout, '#!/bin/sh\necho stop\n');
  assert.match((await runCli(home, ['show', 'weekend-rds-shutdown'])).stdout, /version:\s+1\.1\.0 {2}\(versions: 1\.0\.0, 1\.1\.0\)/);

  assert.equal((await runCli(home, ['delete', 'weekend-rds-shutdown', '--version', '1.0.0'])).stdout, 'deleted weekend-rds-shutdown v1.0.0\n');
  assert.deepEqual(json<{ deleted: string }>(await runCli(home, ['--json', 'delete', 'weekend-rds-shutdown'])), { deleted: 'weekend-rds-shutdown', scope: 'here' });
  const gone = await runCli(home, ['show', 'weekend-rds-shutdown']);
  assert.equal(gone.code, 3);
  assert.equal(gone.stderr, 'error: No playbook "weekend-rds-shutdown" (see `escher-playbook list`)\n');
  const gone2 = await runCli(home, ['--json', 'show', 'weekend-rds-shutdown']);
  assert.deepEqual(JSON.parse(gone2.stderr), { error: { code: 'NOT_FOUND', message: 'No playbook "weekend-rds-shutdown"', hint: 'see `escher-playbook list`' } });
});

test('accept and discard AI-generated playbooks; exit codes for wrong areas and bad input', async (t) => {
  const home = await tempDir(t);
  await runCli(home, ['create', '--name', 'Idea one', '--description', '', '--ai-generated']);
  await runCli(home, ['create', '--name', 'Idea two', '--description', '', '--ai-generated']);
  assert.equal((await runCli(home, ['accept', 'idea-one'])).stdout, 'accepted idea-one: now in local\n');
  assert.equal((await runCli(home, ['discard', 'idea-two'])).stdout, 'discarded idea-two\n');
  const wrong = await runCli(home, ['discard', 'idea-one']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^error: Cannot discard "idea-one": it is in local, not ai-generated\n$/);
  assert.deepEqual(json<PlaybookSummary[]>(await runCli(home, ['list', '--json'])).map((s) => [s.playbook_id, s.area]), [['idea-one', 'local']]);
  const hostile = await runCli(home, ['show', '../../etc']);
  assert.equal(hostile.code, 2);
  assert.match(hostile.stderr, /^error: Invalid playbook id/);
  const dup = await runCli(home, ['create', '--name', 'x', '--description', '', '--id', 'idea-one']);
  assert.equal(dup.code, 4);
  const missingScript = await runCli(home, ['create', '--name', 'x', '--description', '', '--script', 'shell=/no/such/file.sh']);
  assert.equal(missingScript.code, 2);
  assert.match(missingScript.stderr, /Cannot read script file \/no\/such\/file\.sh: ENOENT/);
});

test('sensitive parameters and scripts: encrypted at rest, key file 0600, looser permissions refused', async (t) => {
  const home = await tempDir(t);
  const scriptDir = await tempDir(t);
  await fs.writeFile(path.join(scriptDir, 'rotate.sh'), 'PASSWORD=hunter2\n');
  const r = await runCli(home, ['create', '--name', 'Rotate', '--description', '', '--secret-param', 'db_password=hunter2', '--param', 'port:integer=5432', '--secret-script', `shell=${path.join(scriptDir, 'rotate.sh')}`]);
  assert.equal(r.code, 0, r.stderr);
  const secrets = path.join(home, 'secrets.json');
  assert.equal((await fs.stat(secrets)).mode & 0o777, 0o600, 'the generated key file is 0600');
  const vdir = path.join(home, 'playbooks', 'local', 'rotate', 'v1.0.0');
  assert.ok(!(await fs.readFile(path.join(vdir, 'metadata.json'), 'utf8')).includes('hunter2'));
  assert.ok(!(await fs.readFile(path.join(vdir, 'shell', 'rotate.sh'), 'utf8')).includes('hunter2'));
  assert.equal((await runCli(home, ['show', 'rotate', '--script', 'shell/rotate.sh'])).stdout, 'PASSWORD=hunter2\n');
  const revealed = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', 'rotate', '--reveal', '--json']));
  assert.deepEqual(revealed.metadata.parameters.map((p) => [p.name, p.default]), [['port', 5432], ['db_password', 'hunter2']]);
  assert.match((await runCli(home, ['show', 'rotate'])).stdout, /db_password: string \(sensitive\) {2}default: \(encrypted\)/);

  // The same key from ESCHER_KEY works without the file; a missing key is a clear error.
  const key = (JSON.parse(await fs.readFile(secrets, 'utf8')) as Record<string, string>)['escher.dataKey']!;
  await fs.rename(secrets, secrets + '.bak');
  const noKey = await runCli(home, ['show', 'rotate', '--script', 'shell/rotate.sh']);
  assert.equal(noKey.code, 5);
  assert.match(noKey.stderr, /^error: No data key is configured.*ESCHER_KEY/);
  assert.equal((await runCli(home, ['show', 'rotate', '--script', 'shell/rotate.sh'], { env: { ESCHER_KEY: key } })).stdout, 'PASSWORD=hunter2\n');
  await fs.rename(secrets + '.bak', secrets);

  await fs.chmod(secrets, 0o644);
  const loose = await runCli(home, ['show', 'rotate', '--script', 'shell/rotate.sh']);
  assert.equal(loose.code, 6);
  assert.match(loose.stderr, /Refusing to read .*secrets\.json: its permissions are 0644.*chmod 600/);

  // Tampering is loud (exit 5), never garbage.
  await fs.chmod(secrets, 0o600);
  const file = path.join(vdir, 'shell', 'rotate.sh');
  const env = JSON.parse(await fs.readFile(file, 'utf8')) as { ct: string };
  await fs.writeFile(file, JSON.stringify({ ...env, ct: Buffer.from('evil').toString('base64') }));
  const tampered = await runCli(home, ['show', 'rotate', '--script', 'shell/rotate.sh']);
  assert.equal(tampered.code, 5);
  assert.match(tampered.stderr, /failed authentication/);
});

test('login checks server, tenant and token with one request and saves nothing when one is wrong', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const home = await tempDir(t);
  const wrong = await runCli(home, ['login', '--server', s.url, '--tenant', TEST_TENANT, '--token-stdin'], { input: 'not-the-token\n' });
  assert.equal(wrong.code, 6);
  assert.match(wrong.stderr, /rejected the token.*`escher-playbook login`/);
  const otherTenant = await runCli(home, ['login', '--server', s.url, '--tenant', 'nobody', '--token-stdin'], { input: `${TEST_TOKEN}\n` });
  assert.match(otherTenant.stderr, /not valid for tenant "nobody"/);
  const http = await runCli(home, ['login', '--server', 'http://escher.example.com', '--tenant', TEST_TENANT, '--token-stdin'], { input: `${TEST_TOKEN}\n` });
  assert.match(http.stderr, /plain http on a non-loopback host \(use https:\/\//);
  assert.deepEqual(await fs.readdir(home), [], 'neither config.json nor secrets.json was written');
});

test('login stores the token 0600 from stdin (never argv); logout removes it', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const home = await tempDir(t);
  const r = await runCli(home, ['login', '--server', `${s.url}/`, '--tenant', TEST_TENANT, '--token-stdin'], { input: `${TEST_TOKEN}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(TEST_TOKEN), 'the token is never echoed');
  const secrets = JSON.parse(await fs.readFile(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>;
  assert.equal(secrets['escher.token'], TEST_TOKEN);
  assert.equal((await fs.stat(path.join(home, 'secrets.json'))).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')), { serverUrl: s.url, tenantId: TEST_TENANT });
  assert.equal((await runCli(home, ['logout'])).code, 0);
  assert.equal((JSON.parse(await fs.readFile(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>)['escher.token'], undefined);
  assert.equal((await runCli(home, ['login', '--token-stdin'])).code, 2, 'an empty token is refused');
  assert.equal((await runCli(home, ['login', '--server', 'ftp://x'])).code, 2);
});

test('import: JSON and YAML lists, per-item report, never half an item; export bundles import back', async (t) => {
  const home = await tempDir(t);
  const files = await tempDir(t);
  const specs = [
    { name: 'Restart EC2', description: 'reboots', cloud_provider: 'aws', keywords: ['ec2'], scripts: { 'shell/restart.sh': 'aws ec2 reboot-instances\n', 'python/restart.py': 'print(1)\n' }, parameters: [{ name: 'InstanceId', type: 'String', description: '(Required) the instance' }, { name: 'token', type: 'string', sensitive: true, default: 's3cret' }] },
    { name: 'Broken', description: 'bad path', scripts: { '../escape.sh': 'x' } },
    { name: 'No name?' },
    { description: 'no name at all' },
    { name: 'Bad cloud', description: '', cloud_provider: 'mars' },
  ];
  await fs.writeFile(path.join(files, 'specs.json'), JSON.stringify(specs));
  const r = await runCli(home, ['--json', 'import', path.join(files, 'specs.json')]);
  assert.equal(r.code, 9, 'some items failed: exit 9');
  const report = json<{ created: number; failed: number; items: Array<{ status: string; playbook_id?: string; error?: string }> }>(r);
  assert.equal(report.created, 2);
  assert.deepEqual(report.items.map((i) => i.status), ['created', 'failed', 'created', 'failed', 'failed']);
  assert.match(report.items[1]!.error!, /Script path/);
  assert.match(report.items[4]!.error!, /cloud_provider/);
  assert.deepEqual(await fs.readdir(path.join(home, 'playbooks', 'local')), ['no-name', 'restart-ec2'], 'failed items left nothing behind');
  const shown = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', 'restart-ec2', '--json']));
  assert.deepEqual(shown.metadata.parameters[0], { name: 'InstanceId', type: 'string', description: '(Required) the instance', required: true });

  await fs.writeFile(path.join(files, 'specs.yaml'), '- name: From YAML\n  description: yes\n  scripts:\n    shell/a.sh: |\n      echo yaml\n');
  const y = await runCli(home, ['import', path.join(files, 'specs.yaml')]);
  assert.equal(y.code, 0, y.stderr);
  assert.equal(y.stdout, 'imported 1 of 1 playbook\n');
  assert.equal((await runCli(home, ['import', path.join(files, 'nope.json')])).code, 2);
  await fs.writeFile(path.join(files, 'garbage.json'), '{"not": "a list"}');
  assert.match((await runCli(home, ['import', path.join(files, 'garbage.json')])).stderr, /must hold a list of playbook specs/);

  // Round trip into a fresh home that has the same data key.
  const bundle = path.join(files, 'bundle.json');
  const ex = await runCli(home, ['export', 'restart-ec2', '--out', bundle]);
  assert.equal(ex.code, 0, ex.stderr);
  assert.doesNotMatch(await fs.readFile(bundle, 'utf8'), /s3cret/, 'secrets stay encrypted in the bundle');
  const key = (JSON.parse(await fs.readFile(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>)['escher.dataKey']!;
  const home2 = await tempDir(t);
  const back = await runCli(home2, ['import', bundle], { env: { ESCHER_KEY: key } });
  assert.equal(back.code, 0, back.stderr + back.stdout);
  const a = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', 'restart-ec2', '--json', '--reveal']));
  const b = json<{ metadata: PlaybookMetadata }>(await runCli(home2, ['show', 'restart-ec2', '--json', '--reveal'], { env: { ESCHER_KEY: key } }));
  const strip = (m: PlaybookMetadata) => ({ ...m, created_at: '', updated_at: '' });
  assert.deepEqual(strip(b.metadata), strip(a.metadata));
  assert.equal((await runCli(home2, ['show', 'restart-ec2', '--script', 'python/restart.py'], { env: { ESCHER_KEY: key } })).stdout, 'print(1)\n');
  // Importing the same bundle again: the id holds exactly this already, so it is skipped and nothing changes.
  const again = await runCli(home2, ['import', bundle], { env: { ESCHER_KEY: key } });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /skipped: restart-ec2 v1\.0\.0 \(local\) already holds exactly this/);
  // Without the key the sealed parameter cannot be imported: a clear per-item error.
  const home3 = await tempDir(t);
  const nokey = await runCli(home3, ['--json', 'import', bundle]);
  assert.equal(nokey.code, 9);
  assert.match(json<{ items: Array<{ error: string }> }>(nokey).items[0]!.error, /sealed with another home's data key, and this home has none/);
});

test('import of the 175 AWS runbooks (metadata only, no scripts)', async (t) => {
  if (!existsSync(AWS_RUNBOOKS)) {
    t.skip(`../shared/data/aws-runbooks.json absent`);
    return;
  }
  const home = await tempDir(t);
  const r = await runCli(home, ['--json', 'import', AWS_RUNBOOKS]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json<{ created: number }>(r).created, 175);
  const list = json<PlaybookSummary[]>(await runCli(home, ['list', '--json']));
  assert.equal(list.length, 175);
  assert.ok(list.every((s) => s.cloud_provider === 'aws'));
  const s = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', 'aws-restart-ec2-instance', '--json']));
  assert.equal(s.metadata.name, 'AWS-RestartEC2Instance');
  assert.ok(s.metadata.parameters.some((p) => p.name === 'InstanceId' && p.required === true));
  const doctor = await runCli(home, ['doctor']);
  assert.equal(doctor.code, 0);
  assert.match(doctor.stdout, /checked 175 version\(s\): no problems/);
});

test('doctor reports and repairs through the CLI with exit codes', async (t) => {
  const home = await tempDir(t);
  await runCli(home, ['create', '--name', 'A', '--description', '']);
  assert.equal((await runCli(home, ['doctor'])).code, 0);
  await fs.mkdir(path.join(home, 'playbooks', 'local', '.tmp-b-999999-deadbeef'));
  const found = await runCli(home, ['doctor']);
  assert.equal(found.code, 9);
  assert.match(found.stdout, /temp\s+.*\.tmp-b-999999-deadbeef: unfinished write/);
  const fixed = json<{ issues: Array<{ repaired: boolean }> }>(await runCli(home, ['doctor', '--repair', '--json']));
  assert.deepEqual(fixed.issues.map((i) => i.repaired), [true]);
  assert.equal((await runCli(home, ['doctor'])).code, 0);
});

test('update merges parameters by name, keeps encrypted defaults encrypted, and can drop one', async (t) => {
  const home = await tempDir(t);
  await runCli(home, ['create', '--name', 'P', '--description', '', '--param', 'region=eu-west-1', '--secret-param', 'token=abc', '--param', 'count:integer!=3']);
  const r = await runCli(home, ['update', 'p', '--param', 'region=us-east-1', '--remove-param', 'count', '--param', 'flags:list=["a","b"]']);
  assert.equal(r.code, 0, r.stderr);
  const shown = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', 'p', '--json', '--reveal']));
  assert.deepEqual(shown.metadata.parameters.map((p) => [p.name, p.type, p.default]), [
    ['region', 'string', 'us-east-1'],
    ['token', 'string', 'abc'],
    ['flags', 'list', ['a', 'b']],
  ]);
  const onDisk = await fs.readFile(path.join(home, 'playbooks', 'local', 'p', 'v1.0.1', 'metadata.json'), 'utf8');
  assert.doesNotMatch(onDisk, /"abc"/, 'the carried-over secret is still encrypted');
  const bad = await runCli(home, ['update', 'p', '--param', 'bad name=1']);
  assert.equal(bad.code, 2);
  assert.deepEqual(json<{ versions: string[] }>(await runCli(home, ['show', 'p', '--json'])).versions, ['1.0.0', '1.0.1'], 'a rejected update writes no version');
});
