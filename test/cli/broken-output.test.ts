import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { CLI, ensureCliBuilt } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

/**
 * `escher-playbook list | head -1`: the reader closes the pipe and the CLI's next write fails
 * with EPIPE. The pipe here is real and is closed before the CLI writes anything, so the write
 * always fails (no race with how much `head` read).
 */
before(() => ensureCliBuilt());

function runWithStdoutClosed(home: string, args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ESCHER_')) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--home', home, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Our end of the child's stdout is closed at once: the child's first write meets a reader that is gone.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('a reader that closes the pipe early ends the command quietly with exit 141 (no EPIPE stack)', async (t) => {
  const home = await tempDir(t);
  // A list long enough that it is written in several chunks.
  const specs = Array.from({ length: 300 }, (_, i) => ({ name: `Playbook number ${i}`, description: 'x'.repeat(100) }));
  const file = path.join(home, 'specs.json');
  await fs.writeFile(file, JSON.stringify(specs));
  const imported = await runWithStdoutClosed(home, ['import', file]);
  assert.equal(imported.code, 141, imported.stderr);
  for (const args of [['list'], ['--json', 'list'], ['--help'], ['create', '--help']]) {
    const r = await runWithStdoutClosed(home, args);
    assert.equal(r.signal, null, `${args.join(' ')}: not killed`);
    assert.equal(r.code, 141, `${args.join(' ')}: exit 141, stderr: ${r.stderr}`);
    assert.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr, certainly no stack`);
  }
});
