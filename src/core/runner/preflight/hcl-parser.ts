import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { ToolTiming } from '../types';

/**
 * Terraform's own HCL parser compiled to WASM (@cdktf/hcl2json, offline), run in a short-lived
 * Node process of its own: its Go runtime takes a quarter of a second to tear down, which the
 * CLI would otherwise pay on exit, so the answer is taken as soon as it is printed and the
 * process is left to finish alone. (Loaded with require, never imported: its typings pull in the
 * DOM library, and it reads its .wasm beside its own files, so it stays outside the bundles.)
 */
const CHILD = `
const m = require(process.argv[1]);
let input = '';
process.stdin.setEncoding('utf8').on('data', (d) => (input += d)).on('end', async () => {
  const out = [];
  for (const f of JSON.parse(input)) {
    try { await m.parse(f.path, f.text); out.push({ path: f.path }); }
    catch (e) { out.push({ path: f.path, error: String((e && e.message) || e) }); }
  }
  process.stdout.write(JSON.stringify(out) + '\\n', () => process.exit(0));
});`;

export interface HclResult {
  path: string;
  /** hcl2json's message: "parse config: [file:line,col-line,col: Summary; Detail. …]". */
  error?: string;
}

export function parseHclFiles(files: ReadonlyArray<{ path: string; text: string }>): Promise<{ results: HclResult[]; timing: ToolTiming }> {
  const t0 = performance.now();
  let modulePath: string;
  try {
    modulePath = createRequire(__filename).resolve('@cdktf/hcl2json');
  } catch {
    // A package that left it out (a trimmed .vsix): say what is missing and the way around it.
    return Promise.reject(new Error('Terraform\'s HCL parser (@cdktf/hcl2json) is not installed beside Escher; install terraform to have the files checked'));
  }
  return new Promise((resolve, reject) => {
    // ELECTRON_RUN_AS_NODE: in VS Code, process.execPath is Electron, which this turns into plain Node.
    const child = spawn(process.execPath, ['-e', CHILD, modulePath], { stdio: ['pipe', 'pipe', 'pipe'], env: { ELECTRON_RUN_AS_NODE: '1', PATH: process.env.PATH ?? '' } });
    let out = '';
    let err = '';
    let settled = false;
    const timing = () => ({ argv: ['(hcl2json: Terraform HCL parser)'], ms: performance.now() - t0, exitCode: 0 });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl === -1 || settled) return;
      settled = true;
      try {
        resolve({ results: JSON.parse(out.slice(0, nl)) as HclResult[], timing: timing() });
      } catch (e) {
        reject(e as Error);
      }
      // The answer is in: the parser's process may take its time to exit, the caller need not.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => !settled && reject(e));
    child.on('close', (code) => {
      if (!settled) reject(new Error(`the HCL parser exited ${code}: ${err.slice(0, 300)}`));
    });
    child.stdin.end(JSON.stringify(files));
  });
}
