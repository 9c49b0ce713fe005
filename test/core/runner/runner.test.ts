import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PreflightError, ReviewRequiredError } from '../../../src/core/runner/errors';
import { describeError, IntegrityError, ValidationError } from '../../../src/core/shared/errors';
import { which } from '../../../src/core/runner/tools';
import { runFixture } from './fixtures';

const STOP = '#!/usr/bin/env bash\nset -euo pipefail\necho "stopping {{db}} in {{region}} (run dir $ESCHER_RUN_DIR)"\necho "to stderr" >&2\nexit {{code}}\n';
const stopPlaybook = {
  name: 'Stop DB',
  playbook_id: 'stop-db',
  parameters: [
    { name: 'db', type: 'string' as const, required: true },
    { name: 'region', type: 'string' as const, default: 'eu-west-1' },
    { name: 'code', type: 'integer' as const, default: 0 },
  ],
  scripts: [{ path: 'shell/stop.sh', content: STOP }],
};

test('a real bash run: values substituted, output and exit code recorded, run folder removed, store untouched', async (t) => {
  const fx = await runFixture(t);
  await fx.create(stopPlaybook);
  const { record, out } = await fx.run({ playbookId: 'stop-db', values: { text: [{ name: 'db', text: 'orders-db', source: 'flag' }] } });
  assert.equal(record.status, 'succeeded');
  assert.equal(record.exit_code, 0);
  assert.match(out, /stopping orders-db in eu-west-1 \(run dir (\S+)\)/);
  const runDir = /run dir (\S+)\)/.exec(out)![1]!;
  assert.equal(existsSync(runDir), false, 'the run folder is removed after the run');
  assert.deepEqual(await fx.leftovers(), []);
  assert.ok(runDir.startsWith(fx.tmp), 'the run folder is outside the store');
  assert.deepEqual(record.parameters, { db: { value: 'orders-db', source: 'flag' }, region: { value: 'eu-west-1', source: 'default' }, code: { value: 0, source: 'default' } });
  assert.equal(record.cwd, await fs.realpath(fx.work));
  assert.equal(record.scripts[0]!.path, 'shell/stop.sh');
  const log = (await fx.runner.journal.readLog(record))!.toString('utf8');
  assert.match(log, /stopping orders-db/);
  assert.match(log, /to stderr/);
  assert.match(log, /exit code 0/);
  const [listed] = await fx.runner.journal.list();
  assert.equal(listed!.run_id, record.run_id);
  assert.equal(listed!.status, 'succeeded');
  // The store's version folder has exactly what was stored (no file written by the run).
  const vdir = path.join(fx.home, 'playbooks', 'local', 'stop-db', 'v1.0.0');
  assert.deepEqual((await fs.readdir(vdir)).sort(), ['metadata.json', 'shell']);
  assert.deepEqual(await fs.readdir(path.join(vdir, 'shell')), ['stop.sh']);
});

test('the working folder is the one given, never the store; a script that writes a file writes it there', async (t) => {
  const fx = await runFixture(t);
  await fx.create({ name: 'Writer', playbook_id: 'writer', scripts: [{ path: 'shell/run.sh', content: 'echo hi > out.txt\npwd\n' }] });
  const { record, out } = await fx.run({ playbookId: 'writer' });
  assert.equal(record.status, 'succeeded');
  assert.equal(out.trim(), await fs.realpath(fx.work));
  assert.equal(await fs.readFile(path.join(fx.work, 'out.txt'), 'utf8'), 'hi\n');
  const inside = path.join(fx.home, 'playbooks', 'local', 'writer', 'v1.0.0');
  await assert.rejects(fx.runner.prepare({ playbookId: 'writer', mode: 'run', cwd: inside }).then((p) => fx.runner.plan(p)), (e: unknown) => e instanceof ValidationError && /inside the playbook store/.test(e.message));
  assert.deepEqual(await fx.leftovers(), []);
});

test('a failing script is recorded as failed with its exit code; the run folder is removed', async (t) => {
  const fx = await runFixture(t);
  await fx.create(stopPlaybook);
  const { record } = await fx.run({ playbookId: 'stop-db', values: { text: [{ name: 'db', text: 'x', source: 'flag' }, { name: 'code', text: '7', source: 'flag' }] } });
  assert.equal(record.status, 'failed');
  assert.equal(record.exit_code, 7);
  assert.deepEqual(await fx.leftovers(), []);
});

test('python3 runs with values as Python literals; the record has the exit code', async (t) => {
  const fx = await runFixture(t);
  await fx.create({
    name: 'Py',
    playbook_id: 'py',
    parameters: [
      { name: 'names', type: 'list', default: ['a', "b'c"] },
      { name: 'limit', type: 'number', default: 2.5 },
      { name: 'dry', type: 'boolean', default: true },
    ],
    scripts: [{ path: 'python/run.py', content: 'import sys\nnames = {{names}}\nprint(len(names), names[1], {{limit}} * 2, {{dry}})\nprint("hello {{names}}")\nsys.exit(3)\n' }],
  });
  const { record, out } = await fx.run({ playbookId: 'py' });
  assert.equal(out, `2 b'c 5.0 True\nhello ["a","b'c"]\n`);
  assert.equal(record.exit_code, 3);
  assert.equal(record.status, 'failed');
});

test('aborting (Ctrl-C) interrupts the command, records the run as interrupted and removes the run folder', async (t) => {
  const fx = await runFixture(t);
  await fx.create({ name: 'Slow', playbook_id: 'slow', scripts: [{ path: 'shell/run.sh', content: 'echo started\nsleep 30\necho never\n' }] });
  const controller = new AbortController();
  const prepared = await fx.runner.prepare({ playbookId: 'slow', mode: 'run', cwd: fx.work });
  const plan = await fx.runner.plan(prepared);
  const record = await fx.runner.execute(
    plan,
    {
      write: (text) => {
        if (text.includes('started')) controller.abort();
      },
      note: () => undefined,
      stdin: 'ignore',
    },
    { consent: 'test', signal: controller.signal },
  );
  assert.equal(record.status, 'interrupted');
  assert.equal(record.signal, 'SIGINT');
  assert.equal(existsSync(plan.runDir), false);
  const [listed] = await fx.runner.journal.list();
  assert.equal(listed!.status, 'interrupted');
});

test('a script changed after it was stored refuses the run, naming the file and the way out', async (t) => {
  const fx = await runFixture(t);
  await fx.create(stopPlaybook);
  const file = path.join(fx.home, 'playbooks', 'local', 'stop-db', 'v1.0.0', 'shell', 'stop.sh');
  await fs.writeFile(file, STOP.replace('stopping', 'deleting'));
  await assert.rejects(fx.runner.prepare({ playbookId: 'stop-db', mode: 'run', cwd: fx.work }), (e: unknown) => {
    assert.ok(e instanceof IntegrityError);
    assert.match(e.message, /shell\/stop\.sh was changed after it was stored/);
    assert.equal(e.hintCode, 'version-modified');
    assert.match(e.hint ?? '', /save the change as the next version through a draft/);
    return true;
  });
  assert.deepEqual(await fx.runner.journal.list(), [], 'nothing was recorded: nothing ran');
});

test('missing, unknown and mistyped values are clear errors naming the parameter; nothing runs', async (t) => {
  const fx = await runFixture(t);
  await fx.create({ ...stopPlaybook, parameters: [...stopPlaybook.parameters, { name: 'token', type: 'string', required: true, sensitive: true }] });
  const prepared = await fx.runner.prepare({ playbookId: 'stop-db', mode: 'run', cwd: fx.work });
  assert.deepEqual(prepared.missing.map((p) => p.name), ['db', 'token']);
  await assert.rejects(fx.runner.plan(prepared), (e: unknown) => e instanceof ValidationError && /Missing values for "db", "token"/.test(e.message) && /--param db=… --param-env token=ENVVAR/.test(e.hint ?? ''));
  const typed = (name: string, text: string) => fx.runner.prepare({ playbookId: 'stop-db', mode: 'run', values: { text: [{ name, text, source: 'flag' }] } });
  const says = (re: RegExp) => (e: unknown) => e instanceof ValidationError && re.test(describeError(e));
  await assert.rejects(typed('code', 'abc'), says(/Parameter "code" must be an integer, got "abc" \(give a whole number/));
  await assert.rejects(typed('code', '1e999'), says(/must be an integer/));
  await assert.rejects(typed('nope', 'x'), says(/No parameter named "nope".*parameters: db, region, code, token/));
  await assert.rejects(typed('db', 'a\0b'), says(/contains a NUL character/));
  await assert.rejects(typed('token', 'x\ud800'), (e: unknown) => e instanceof ValidationError && /not valid Unicode/.test(e.message) && !e.message.includes('x\ud800'));
  assert.deepEqual(await fx.leftovers(), []);
});

test('sensitive values are never recorded, remembered or printed: masked in the output and the log', async (t) => {
  const fx = await runFixture(t);
  await fx.create({
    name: 'Secret',
    playbook_id: 'secret',
    parameters: [
      { name: 'password', type: 'string', sensitive: true, required: true },
      { name: 'user', type: 'string', required: true },
    ],
    scripts: [{ path: 'shell/run.sh', content: 'echo "user {{user}} password {{password}}"\nprintf "%s" "$ESCHER_PARAM_PASSWORD" | cut -c1-3\n' }],
  });
  const { record, out } = await fx.run({ playbookId: 'secret', values: { text: [{ name: 'password', text: 's3cr3t-Value', source: 'prompt' }, { name: 'user', text: 'ann', source: 'flag' }] } });
  assert.equal(out.split('\n')[0], 'user ann password ***');
  assert.deepEqual(record.parameters.password, { redacted: true, source: 'prompt' });
  const journal = await fs.readFile(fx.runner.journal.file, 'utf8');
  const log = (await fx.runner.journal.readLog(record))!.toString('utf8');
  for (const text of [journal, log, JSON.stringify(await fx.runner.journal.list())]) assert.ok(!text.includes('s3cr3t'), 'never stored');
  const last = JSON.parse(await fs.readFile(path.join(fx.runner.runsDir, 'last-values', 'secret.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(last, { user: 'ann' });
  // The next run remembers the user, not the password.
  const next = await fx.runner.prepare({ playbookId: 'secret', mode: 'run' });
  assert.deepEqual(next.missing.map((p) => p.name), ['password']);
  assert.equal(next.values.find((v) => v.spec.name === 'user')!.source, 'last');
});

test('a pending or rejected playbook needs a reason, which is recorded; local_only and approved ones run', async (t) => {
  let status: 'pending' | 'rejected' | 'approved' | null = 'pending';
  const fx = await runFixture(t, { reviewStatus: () => Promise.resolve(status) });
  await fx.create({ name: 'Rev', playbook_id: 'rev', storage_strategy: 'uploaded_for_review', scripts: [{ path: 'shell/run.sh', content: 'echo ok\n' }] });
  await assert.rejects(fx.run({ playbookId: 'rev' }), (e: unknown) => e instanceof ReviewRequiredError && /pending review/.test(e.message) && e.hintCode === 'run-unreviewed');
  status = 'rejected';
  await assert.rejects(fx.run({ playbookId: 'rev' }), (e: unknown) => e instanceof ReviewRequiredError && /rejected/.test(e.message));
  const { record } = await fx.run({ playbookId: 'rev', allowUnreviewed: 'incident 4711, reviewer away' });
  assert.equal(record.status, 'succeeded');
  assert.deepEqual(record.review, { status: 'rejected', override_reason: 'incident 4711, reviewer away' });
  status = 'approved';
  assert.equal((await fx.run({ playbookId: 'rev' })).record.review.status, 'approved');
  status = 'pending';
  await fx.create({ name: 'Private', playbook_id: 'private', storage_strategy: 'local_only', scripts: [{ path: 'shell/run.sh', content: 'echo ok\n' }] });
  assert.equal((await fx.run({ playbookId: 'private' })).record.status, 'succeeded');
  assert.deepEqual(await fx.leftovers(), []);
});

test('preflight errors refuse the run; --skip-preflight runs it and says so in the record', async (t) => {
  const fx = await runFixture(t);
  await fx.create({ name: 'Broken', playbook_id: 'broken', scripts: [{ path: 'shell/run.sh', content: 'echo start\nif then fi\n' }] });
  await assert.rejects(fx.run({ playbookId: 'broken' }), (e: unknown) => e instanceof PreflightError && /shell\/run\.sh:2/.test(e.message));
  assert.deepEqual(await fx.leftovers(), []);
  const { record, out } = await fx.run({ playbookId: 'broken', skipPreflight: true });
  assert.match(out, /^start\n.*syntax error/s);
  assert.equal(record.status, 'failed');
  assert.equal(record.preflight.skipped, true);
});

test('an undeclared placeholder in a stored playbook (written before the contract) never runs literally', async (t) => {
  const fx = await runFixture(t);
  await fx.store.createPlaybook({ name: 'Old', description: 'x', playbook_id: 'old', scripts: [{ path: 'shell/run.sh', content: 'echo {{target}}\n' }] });
  const prepared = await fx.runner.prepare({ playbookId: 'old', mode: 'run', cwd: fx.work });
  const plan = await fx.runner.plan(prepared);
  assert.match(plan.findings.find((f) => f.source === 'contract')!.message, /shell\/run\.sh:1:6 uses \{\{target\}\}, which is not a declared parameter/);
  await assert.rejects(fx.runner.execute(plan, { write: () => undefined, note: () => undefined }, { consent: 'test' }), PreflightError);
  const skipped = await fx.runner.plan(await fx.runner.prepare({ playbookId: 'old', mode: 'run', cwd: fx.work, skipPreflight: true }));
  assert.ok(skipped.blockers.length > 0, '--skip-preflight does not override the contract');
  await fx.runner.discard(skipped);
});

test('a dry run renders and checks but runs nothing, and is recorded as a dry run', async (t) => {
  const fx = await runFixture(t);
  await fx.create({ name: 'Dry', playbook_id: 'dry', scripts: [{ path: 'shell/run.sh', content: 'touch "$HOME/ran"\n' }] });
  const { record, out } = await fx.run({ playbookId: 'dry', mode: 'dry-run' });
  assert.equal(out, '');
  assert.equal(record.status, 'dry-run');
  assert.equal(record.dry_run, true);
  assert.equal(existsSync(path.join(fx.env.HOME!, 'ran')), false);
  assert.deepEqual(await fx.leftovers(), []);
});

test('a re-run takes the recorded version, folder and values, and asks for sensitive ones again', async (t) => {
  const fx = await runFixture(t);
  await fx.create({ ...stopPlaybook, parameters: [...stopPlaybook.parameters, { name: 'token', type: 'string', sensitive: true, required: true }] });
  const first = await fx.run({ playbookId: 'stop-db', values: { text: [{ name: 'db', text: 'db-9', source: 'flag' }, { name: 'token', text: 'tok', source: 'stdin' }] } });
  await fx.store.updatePlaybook('stop-db', { scripts: [{ path: 'shell/stop.sh', content: 'echo v2 {{db}}\n' }], parameters: stopPlaybook.parameters.slice(0, 1) });
  const request = await fx.runner.rerunRequest(first.record.run_id.slice(0, 17));
  assert.equal(request.version, '1.0.0');
  const prepared = await fx.runner.prepare(request);
  assert.deepEqual(prepared.missing.map((p) => p.name), ['token']);
  const plan = await fx.runner.plan(prepared, [{ name: 'token', text: 'tok2' }]);
  const record = await fx.runner.execute(plan, { write: () => undefined, note: () => undefined, stdin: 'ignore' }, { consent: 'test' });
  assert.equal(record.rerun_of, first.record.run_id);
  assert.equal(record.version, '1.0.0');
  assert.deepEqual(record.parameters.db, { value: 'db-9', source: 'rerun' });
});

test('shellcheck findings, when it is installed, point at the playbook script and do not stop the run unless they are errors', { skip: which('shellcheck', process.env) ? false : 'shellcheck is not installed (apt-get install shellcheck; .ci/run does)' }, async (t) => {
  const fx = await runFixture(t);
  await fx.create({ name: 'Lint', playbook_id: 'lint', scripts: [{ path: 'shell/run.sh', content: '#!/bin/bash\nunused=1\necho ok\n' }] });
  const { record, out } = await fx.run({ playbookId: 'lint' });
  assert.equal(out, 'ok\n');
  const sc = record.preflight.findings.find((f) => f.source === 'shellcheck')!;
  assert.deepEqual([sc.severity, sc.file, sc.line, sc.code], ['warning', 'shell/run.sh', 2, 'SC2034']);
});

test('--script names its format; an AI-generated playbook not yet accepted runs with a warning to read it first', async (t) => {
  const fx = await runFixture(t);
  await fx.create({ name: 'Two', playbook_id: 'two', scripts: [{ path: 'shell/a.sh', content: 'echo a\n' }, { path: 'shell/b.sh', content: 'echo b\n' }, { path: 'python/run.py', content: 'print("py")\n' }] });
  await assert.rejects(fx.run({ playbookId: 'two', format: 'shell' }), (e: unknown) => e instanceof ValidationError && /2 shell scripts and none is the obvious one to run \(shell\/a\.sh, shell\/b\.sh\)/.test(e.message) && e.hintCode === 'entry-ambiguous');
  assert.equal((await fx.run({ playbookId: 'two', script: 'shell/b.sh' })).out, 'b\n');
  await fx.create({ name: 'Gen', playbook_id: 'gen', source: 'ai_generated', scripts: [{ path: 'shell/run.sh', content: 'echo gen\n' }] });
  const { record } = await fx.run({ playbookId: 'gen' });
  assert.match(record.preflight.findings.find((f) => f.source === 'review')!.message, /AI-generated and not accepted yet/);
});
