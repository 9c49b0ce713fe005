import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TerminalSession } from '../../../src/extension/run/terminal-session';

function session() {
  const shown: string[] = [];
  const closed: Array<number | undefined> = [];
  const s = new TerminalSession((t) => shown.push(t), (c) => closed.push(c));
  const typed: string[] = [];
  s.input.setEncoding('utf8').on('data', (d: string) => typed.push(d));
  return { s, shown, closed, typed };
}

const tick = () => new Promise((r) => setImmediate(r));

test('output written before the terminal opened is shown when it opens, with CR LF line ends', () => {
  const { s, shown } = session();
  s.write('one\ntwo\r\n');
  assert.deepEqual(shown, []);
  s.open();
  s.write('three\n');
  assert.deepEqual(shown, ['one\r\ntwo\r\n', 'three\r\n']);
});

test('typing: echoed, backspace erases, Enter sends the line; arrow keys and escape sequences never reach the command', async () => {
  const { s, shown, typed } = session();
  s.open();
  s.handleInput('ab');
  s.handleInput('\x7f');
  s.handleInput('\x1b[A\x1b[Dc\r');
  s.handleInput('pasted line\rsecond\r');
  await tick();
  assert.deepEqual(typed.join(''), 'ac\npasted line\nsecond\n');
  assert.equal(shown.join(''), 'ab\b \bc\r\npasted line\r\nsecond\r\n');
  s.handleInput('\x7f\x7f');
  assert.equal(shown.join('').endsWith('second\r\n'), true, 'nothing to erase on an empty line');
});

test('Ctrl-C aborts the run (and further keys are ignored); Ctrl-D ends the input', async () => {
  const a = session();
  a.s.open();
  a.s.handleInput('x\x03y');
  assert.equal(a.s.signal.aborted, true);
  assert.ok(a.shown.join('').endsWith('x^C\r\n'));
  const b = session();
  b.s.open();
  let ended = false;
  b.s.input.on('end', () => (ended = true));
  b.s.handleInput('last\x04');
  await tick();
  assert.deepEqual([b.typed.join(''), ended, b.s.signal.aborted], ['last', true, false]);
});

test('after finish the next key closes the terminal with the exit code; closing it while running interrupts the run', () => {
  const a = session();
  a.s.open();
  a.s.finish(3, 'done');
  assert.match(a.shown.join(''), /\r\ndone\r\n.*Press any key to close the terminal/);
  assert.deepEqual(a.closed, []);
  a.s.handleInput('q');
  assert.deepEqual(a.closed, [3]);
  a.s.write('late output\n');
  assert.ok(!a.shown.join('').includes('late output'), 'nothing is written to a closed terminal');
  const b = session();
  b.s.open();
  b.s.closedByUser();
  assert.equal(b.s.signal.aborted, true);
  assert.equal(b.s.input.writableEnded, true);
});
