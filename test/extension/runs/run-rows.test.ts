import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord } from '../../../src/core/runner/types';
import { runLogText, runLogUri, runIdOfLogPath } from '../../../src/extension/runs/run-log-text';
import { outcome, runRow, runTooltip, startedAt } from '../../../src/extension/runs/run-rows';
import { RUN } from '../helpers/run-summary';

test('a Runs row: playbook and version, outcome and start, a status icon, the log on click, menus by status', () => {
  const now = new Date('2026-11-29T10:15:00.000Z');
  const row = runRow(RUN, now);
  assert.equal(row.label, 'stop-db v1.0.0');
  assert.equal(row.description, `exit 0 · ${startedAt(RUN.started_at, now)}`);
  assert.deepEqual(row.icon, { kind: 'theme', id: 'pass', color: 'testing.iconPassed' });
  assert.equal(row.contextValue, 'run.succeeded');
  assert.deepEqual(row.command, { command: 'escher.showRunLog', title: 'Show Log', arguments: [{ run_id: RUN.run_id }] });
  assert.deepEqual(runRow({ ...RUN, status: 'failed', exit_code: 3 }, now).icon, { kind: 'theme', id: 'error', color: 'testing.iconFailed' });
  assert.equal(outcome({ ...RUN, status: 'interrupted', exit_code: null, signal: 'SIGINT' }), 'interrupted (SIGINT)');
  assert.equal(outcome({ ...RUN, status: 'running', exit_code: null }), 'running');
  assert.equal(outcome({ ...RUN, status: 'declined' }), 'exit 0, apply declined');
  assert.equal(outcome({ ...RUN, status: 'dry-run', exit_code: null }), 'dry run');
});

test('start times: the time today, the date before, the year when it differs', () => {
  const now = new Date(2026, 10, 29, 18, 0);
  assert.equal(startedAt(new Date(2026, 10, 29, 9, 5).toISOString(), now), '09:05');
  assert.equal(startedAt(new Date(2026, 10, 28, 23, 59).toISOString(), now), 'Nov 28 23:59');
  assert.equal(startedAt(new Date(2025, 0, 2, 1, 2).toISOString(), now), 'Jan 2 2025 01:02');
});

test('the tooltip escapes what the journal holds (a hostile folder name cannot form a link)', () => {
  assert.ok(runTooltip({ ...RUN, cwd: '/w/[x](https://evil)' }).includes('In \\/w\\/\\[x\\]\\(https\\:\\/\\/evil\\) by ana@box'));
});

const RECORD: RunRecord = {
  ...RUN,
  area: 'local',
  content_hash: 'c'.repeat(64),
  scripts: [{ path: 'shell/run.sh', sha256: 'a'.repeat(64), size: 10 }],
  entry: 'shell/run.sh',
  commands: ['bash /tmp/escher-run-x/shell/run.sh'],
  parameters: { target: { value: 'db-1', source: 'prompt' }, token: { redacted: true, source: 'prompt' } },
  preflight: { skipped: false, findings: [{ severity: 'warning', source: 'shellcheck', file: 'shell/run.sh', line: 2, message: 'quote it' }] },
  review: { status: 'pending', override_reason: 'outage' },
  consent: 'dialog',
  log: { file: 'logs/x.log', bytes: 10, truncated: false },
};

test('a run log document: the record, then the output with terminal colours removed and controls escaped', () => {
  const text = runLogText(RECORD, Buffer.from('\x1b[32mok\x1b[0m\r\nline\x07two\n'));
  assert.match(text, /^Run 20261129-101500-3f9a2c: succeeded \(exit 0\)\n/);
  assert.match(text, /Review: {9}pending — run unreviewed because: outage/);
  assert.match(text, / {2}target = "db-1" {2}\(prompt\)\n {2}token = \(redacted\) {2}\(prompt\)/);
  assert.match(text, / {2}\$ bash \/tmp\/escher-run-x\/shell\/run\.sh/);
  assert.match(text, / {2}warning shell\/run\.sh:2 \[shellcheck\] quote it/);
  assert.ok(text.endsWith('sensitive values masked) ──\nok\nline\\x07two\n'), JSON.stringify(text.slice(-80)));
  assert.match(runLogText({ ...RECORD, status: 'running', log: null }, undefined), /\(still running: the output is written when the run ends\)$/);
});

test('run log URIs carry the run id only', () => {
  assert.equal(runLogUri(RUN.run_id), 'escher-run:/20261129-101500-3f9a2c.log');
  assert.equal(runIdOfLogPath('/20261129-101500-3f9a2c.log'), RUN.run_id);
  assert.equal(runIdOfLogPath('/../../etc/passwd.log'), undefined);
});
