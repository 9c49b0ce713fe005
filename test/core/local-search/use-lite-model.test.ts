import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * The USE-lite model waits for its WebAssembly backend before its first tensor ("Backend 'wasm'
 * has not yet been initialized" right after `npm ci` on a busy machine), retries a failed start
 * once, and says clearly when both fail. Each case runs in a fresh process
 * (test/helpers/wasm-start-child.ts) whose backend start is made slow or failing on purpose.
 */
const CHILD = path.join(__dirname, '..', '..', 'helpers', 'wasm-start-child.ts');
const REPO = path.join(__dirname, '..', '..', '..');

function load(scenario: string): Promise<{ ok: boolean; dimension?: number; message?: string; compiles: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, scenario], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve({ ...(JSON.parse(out.trim().split('\n').pop() ?? '') as { ok: boolean; compiles: number }), stderr });
      } catch {
        reject(new Error(`no result from the child (stdout ${JSON.stringify(out)}, stderr ${stderr.slice(0, 2000)})`));
      }
    });
  });
}

test('a backend slower to start than the model is to read: the model waits for it and works', async () => {
  const r = await load('held');
  assert.equal(r.message, undefined, r.message);
  assert.deepEqual([r.ok, r.dimension], [true, 512]);
});

test('a failed backend start is retried once', async () => {
  const r = await load('fail-once');
  assert.equal(r.message, undefined, r.message);
  assert.deepEqual([r.ok, r.dimension, r.compiles], [true, 512, 2]);
});

test('two failed starts: one clear error that says why, and no third try', async () => {
  const r = await load('fail-always');
  assert.equal(r.ok, false);
  assert.match(r.message ?? '', /^the embedding model's WebAssembly backend \(TensorFlow\.js "wasm"\) failed to start, also on a second try: .+/);
  assert.equal(r.compiles, 2);
});
