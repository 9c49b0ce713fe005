import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { CLI, REPO, runCli } from '../../helpers/cli';
import { toolBox } from '../../helpers/fake-tools';
import { tempDir } from '../../helpers/temp-dir';

/**
 * `run` on a real terminal: missing values are asked for (a sensitive one without echo), then the
 * run is confirmed. The terminal is a pseudo-terminal from node-pty — the one the e2e setup
 * builds for code-server (scripts/setup-e2e.sh); without it these tests skip and say so.
 */
const NODE_PTY = path.join(REPO, '.e2e', 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', 'node-pty');
interface Pty {
  onData(cb: (d: string) => void): void;
  onExit(cb: (e: { exitCode: number }) => void): void;
  write(d: string): void;
}
const pty = existsSync(NODE_PTY) ? (createRequire(__filename)(NODE_PTY) as { spawn(file: string, args: string[], o: object): Pty }) : undefined;
const skip = pty ? false : 'node-pty (built by scripts/setup-e2e.sh) is not installed: no pseudo-terminal to test prompts with';

async function setup(t: TestContext) {
  const root = await tempDir(t, 'escher-cli-tty-');
  const home = path.join(root, 'home');
  const work = path.join(root, 'work');
  await fs.mkdir(work, { recursive: true });
  const tools = await toolBox(t);
  const env = { PATH: tools.path, TMPDIR: root, HOME: root, TERM: 'dumb' };
  const script = path.join(root, 's.sh');
  await fs.writeFile(script, 'echo "db={{db}} password={{password}}"\ntouch ran\n');
  const created = await runCli(home, ['create', '--id', 'tty', '--name', 'T', '--description', 'x', '--script', `shell=${script}`, '--param', 'db!', '--secret-param', 'password!'], { env: { ...env, ESCHER_KEY: Buffer.alloc(32, 7).toString('base64') } });
  assert.equal(created.code, 0, created.stderr);
  return { home, work, env };
}

/** Runs the CLI on a pseudo-terminal, answering each prompt (matched on the screen so far) in turn. */
function onTerminal(s: Awaited<ReturnType<typeof setup>>, args: string[], answers: Array<[RegExp, string]>): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    const term = pty!.spawn(process.execPath, [CLI, '--home', s.home, ...args], { cols: 200, rows: 50, cwd: s.work, env: s.env });
    let screen = '';
    let next = 0;
    term.onData((d) => {
      screen += d;
      const a = answers[next];
      if (a && a[0].test(screen)) {
        next++;
        term.write(`${a[1]}\r`);
      }
    });
    term.onExit((e) => resolve({ code: e.exitCode, screen }));
  });
}

test('run on a terminal: asks for missing values (the sensitive one without echo), then for confirmation', { skip }, async (t) => {
  const s = await setup(t);
  const r = await onTerminal(s, ['run', 'tty'], [
    [/db \(string\): $/, 'orders'],
    [/password \(string\): $/, 'hunter2-secret'],
    [/Run tty v1\.0\.0 \(shell\) in .*\? \[y\/N\] $/, 'y'],
  ]);
  assert.equal(r.code, 0, r.screen);
  assert.ok(!r.screen.includes('hunter2'), `the sensitive value is never echoed or printed:\n${r.screen}`);
  assert.match(r.screen, /db=orders password=\*\*\*/);
  assert.ok(existsSync(path.join(s.work, 'ran')));
});

test('run on a terminal: answering no runs nothing (exit 130)', { skip }, async (t) => {
  const s = await setup(t);
  const r = await onTerminal(s, ['run', 'tty', '--param', 'db=x', '--param-env', 'password=HOME'], [[/\[y\/N\] $/, 'n']]);
  assert.equal(r.code, 130, r.screen);
  assert.match(r.screen, /Not confirmed: nothing ran/);
  assert.equal(existsSync(path.join(s.work, 'ran')), false);
});
