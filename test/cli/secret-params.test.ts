import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { PlaybookMetadata } from '../../src/core/playbook-store/metadata';
import { CLI, ensureCliBuilt, json, REPO, runCli } from '../helpers/cli';

/**
 * A sensitive parameter's default never has to be on the command line (visible in `ps`, kept in
 * shell history): it can come from stdin, an environment variable, or a prompt that does not echo;
 * and no malformed spec is ever repeated back, since it may hold the secret.
 */
const SECRET = 'hunter2-Zq9';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-secret-param-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function defaults(home: string, id: string): Promise<Array<[string, unknown]>> {
  const shown = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', id, '--reveal', '--json']));
  return shown.metadata.parameters.map((p) => [p.name, p.default]);
}

async function onDisk(home: string, id: string): Promise<string> {
  return fs.readFile(path.join(home, 'playbooks', 'local', id, 'v1.0.0', 'metadata.json'), 'utf8');
}

test('--secret-param-stdin and --secret-param-env: the default arrives encrypted, never through argv', async (t) => {
  const home = await tempDir(t);
  const piped = await runCli(home, ['create', '--id', 'rotate', '--name', 'Rotate', '--description', '', '--secret-param-stdin', 'db_password!'], { input: `${SECRET}\n` });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stderr, '', 'no warning: nothing secret was on the command line');
  assert.deepEqual(await defaults(home, 'rotate'), [['db_password', SECRET]], 'one trailing newline removed');
  assert.ok(!(await onDisk(home, 'rotate')).includes(SECRET));

  const fromEnv = await runCli(home, ['update', 'rotate', '--secret-param-env', 'api_token=ROTATE_TOKEN', '--secret-param-env', 'port:integer=ROTATE_PORT'], { env: { ROTATE_TOKEN: SECRET, ROTATE_PORT: '5432' } });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  const shown = json<{ metadata: PlaybookMetadata }>(await runCli(home, ['show', 'rotate', '--reveal', '--json']));
  assert.deepEqual(shown.metadata.parameters.map((p) => [p.name, p.default]), [['db_password', SECRET], ['api_token', SECRET], ['port', 5432]]);

  const unset = await runCli(home, ['update', 'rotate', '--secret-param-env', 'x=NOT_SET_ANYWHERE']);
  assert.equal(unset.code, 2);
  assert.match(unset.stderr, /--secret-param-env x: the environment variable NOT_SET_ANYWHERE is not set/);
  const empty = await runCli(home, ['create', '--name', 'E', '--description', '', '--secret-param-stdin', 'x'], { input: '' });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /--secret-param-stdin x: stdin was empty/);
});

test('a value on the command line still works, with a warning that says why it should not be there', async (t) => {
  const home = await tempDir(t);
  const r = await runCli(home, ['create', '--id', 'p', '--name', 'P', '--description', '', '--secret-param', `db_password=${SECRET}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: --secret-param db_password=…: a value on the command line is visible to other users \(ps\)/);
  assert.ok(!r.stderr.includes(SECRET));
  assert.deepEqual(await defaults(home, 'p'), [['db_password', SECRET]]);
});

test('a malformed secret spec is refused without repeating any of it', async (t) => {
  const home = await tempDir(t);
  const specs: string[][] = [
    ['--secret-param', SECRET],
    ['--secret-param', `=${SECRET}`],
    ['--secret-param', `db password=${SECRET}`],
    ['--secret-param', `1db=${SECRET}`],
    ['--secret-param', `db:hunterzq=${SECRET}`],
    ['--secret-param-stdin', `${SECRET}`],
    ['--secret-param-env', `db=${SECRET}`],
  ];
  for (const spec of specs) {
    const r = await runCli(home, ['create', '--name', 'X', '--description', '', ...spec], { input: 'x' });
    assert.equal(r.code, 2, `${spec.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: --secret-param/);
    for (const part of [SECRET, 'hunter', 'hunterzq']) assert.ok(!r.stderr.includes(part) && !r.stdout.includes(part), `${spec[0]} echoed "${part}": ${r.stderr}`);
  }
  assert.deepEqual(await fs.readdir(path.join(home, 'playbooks', 'local')).catch(() => []), [], 'nothing was created');
});

/** Runs the CLI inside a pseudo-terminal (util-linux `script`), typing `keys` once the prompt shows. */
function inTerminal(args: string[], keys: string): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = false;
  const onData = (d: Buffer): void => {
    screen += d.toString('utf8');
    if (!typed && screen.includes('(input hidden; Enter for none): ')) {
      typed = true;
      child.stdin.write(keys);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, screen }));
  });
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

test('on a terminal, --secret-param NAME asks for the default without echoing it', { skip: hasScript ? false : 'util-linux `script` is not installed (needed for a pseudo-terminal)' }, async (t) => {
  ensureCliBuilt();
  const home = await tempDir(t);
  const typed = await inTerminal(['--home', home, 'create', '--id', 'tty', '--name', 'T', '--description', '', '--secret-param', 'db_password'], `${SECRET}\r`);
  assert.equal(typed.code, 0, typed.screen);
  assert.match(typed.screen, /Default for sensitive parameter db_password \(input hidden; Enter for none\): /);
  assert.ok(!typed.screen.includes(SECRET), `the terminal showed the secret: ${JSON.stringify(typed.screen)}`);
  assert.deepEqual(await defaults(home, 'tty'), [['db_password', SECRET]]);

  const none = await inTerminal(['--home', home, 'create', '--id', 'tty-none', '--name', 'N', '--description', '', '--secret-param', 'db_password'], '\r');
  assert.equal(none.code, 0, none.screen);
  assert.deepEqual(await defaults(home, 'tty-none'), [['db_password', undefined]], 'Enter alone: no default');
});
