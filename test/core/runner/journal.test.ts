import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { RunJournal } from '../../../src/core/runner/journal';
import { CappedLog } from '../../../src/core/runner/log-capture';
import { MASK, Masker } from '../../../src/core/runner/mask';
import type { RunRecord } from '../../../src/core/runner/types';
import { tempDir } from '../../helpers/temp-dir';

function record(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    run_id: id, playbook_id: 'p', version: '1.0.0', area: 'local', content_hash: 'h', scripts: [], formats: ['shell'], mode: 'run', dry_run: false,
    commands: [], parameters: {}, cwd: '/w', user: 'u', host: 'this-host', pid: process.pid, started_at: new Date(0).toISOString(),
    ended_at: null, duration_ms: null, exit_code: null, signal: null, status: 'running', preflight: { skipped: false, findings: [] },
    review: { status: null }, consent: 'test', log: null, ...over,
  };
}

test('journal: a start without an end is running while its process lives and interrupted once it is gone; ends complete records', async (t) => {
  const dir = await tempDir(t);
  let alive = true;
  const journal = new RunJournal(dir, 'this-host', () => alive);
  await journal.started(record('20260101-000000-aaaaaa'), '/tmp/r1');
  await journal.started(record('20260101-000001-bbbbbb', { host: 'other-host' }), '/tmp/r2');
  await journal.started(record('20260101-000002-cccccc', { playbook_id: 'q' }), '/tmp/r3');
  await journal.ended('20260101-000002-cccccc', { ended_at: 'e', duration_ms: 5, exit_code: 0, signal: null, status: 'succeeded', log: null });
  assert.deepEqual((await journal.list()).map((r) => [r.run_id.slice(-6), r.status]), [['cccccc', 'succeeded'], ['bbbbbb', 'running'], ['aaaaaa', 'running']]);
  alive = false;
  assert.deepEqual((await journal.list()).map((r) => r.status), ['succeeded', 'running', 'interrupted'], "another host's run is not judged from here");
  assert.deepEqual((await journal.list({ playbookId: 'q' })).map((r) => r.playbook_id), ['q']);
  assert.equal((await journal.list({ limit: 1 })).length, 1);
  assert.equal((await journal.get('20260101-000002')).run_id, '20260101-000002-cccccc');
  await assert.rejects(journal.get('20260101-00000'), /matches 3 runs/);
  await assert.rejects(journal.get('nope-nope'), /No run "nope-nope"/);
  await assert.rejects(journal.get('../../etc'), /is not a run id/);
  assert.equal(((await fs.stat(journal.file)).mode & 0o777).toString(8), '600');
  assert.ok(!JSON.stringify(await journal.list()).includes('/tmp/r1'), 'the run folder is bookkeeping, not part of the record');
});

test('journal: a torn or damaged line is skipped, the rest still reads', async (t) => {
  const dir = await tempDir(t);
  const journal = new RunJournal(dir, 'this-host', () => false);
  await journal.started(record('20260101-000000-aaaaaa'), '/r');
  await journal.ended('20260101-000000-aaaaaa', { ended_at: 'e', duration_ms: 1, exit_code: 3, signal: null, status: 'failed', log: null });
  const text = await fs.readFile(journal.file, 'utf8');
  const [start, end] = text.split('\n');
  // A flipped byte in the end line, then a crash half-way through the next start line.
  await fs.writeFile(journal.file, `${start}\n${end!.replace('"failed"', '"succeeded"')}\n${start!.slice(0, 40)}`);
  const [r] = await journal.list();
  assert.equal(r!.status, 'interrupted', 'the damaged end is not believed');
  await journal.started(record('20260101-000001-bbbbbb'), '/r');
  assert.deepEqual((await journal.list()).map((x) => x.run_id.slice(-6)), ['aaaaaa'], 'an append after a torn line joins it: that line is lost, nothing else');
});

test('mask: every occurrence of a secret is replaced, however the output is cut into chunks', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }), (secret, parts, cuts) => {
      fc.pre(!secret.includes(MASK) && !MASK.includes(secret) && !parts.some((p) => p.includes(secret.slice(0, 1))));
      const text = parts.join(secret);
      const m = new Masker([secret]);
      let out = '';
      let at = 0;
      for (const c of [...cuts, text.length]) {
        out += m.push(text.slice(at, at + c));
        at += c;
        if (at >= text.length) break;
      }
      out += m.flush();
      assert.equal(out, parts.join(MASK));
    }),
    { numRuns: 300 },
  );
  assert.equal(new Masker(['line one\nline two']).push('x line two y\n') + '', 'x *** y\n', 'each line of a multi-line secret too');
});

test('log: capped at the first and last half, with a marker of what was dropped', () => {
  const log = new CappedLog(1024);
  log.append('A'.repeat(600));
  log.append('B'.repeat(2000));
  log.append('C'.repeat(100));
  const text = log.contents().toString('utf8');
  assert.equal(log.total, 2700);
  assert.ok(log.truncated);
  assert.ok(text.startsWith('A'.repeat(512)));
  assert.ok(text.endsWith('B'.repeat(412) + 'C'.repeat(100)));
  assert.match(text, /\[… 1676 bytes of output not kept/);
  const small = new CappedLog(1024);
  small.append('hello');
  assert.equal(small.contents().toString(), 'hello');
  assert.equal(small.truncated, false);
});
