import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sha256 } from '../src/core/shared/hash';
import { PlaybookStore } from '../src/core/playbook-store/store';
import type { PlaybookMetadata } from '../src/core/playbook-store/metadata';
import { PlaybookTreeModel } from '../src/extension/tree/playbook-tree-model';
import { rootNodes } from '../src/extension/tree/root-nodes';
import type { TreeNode } from '../src/extension/tree/tree-node';
import { type BenchContext, stats } from './harness';

export const title = 'VS Code extension: activation, bundle size, explorer over 10k playbooks';

const REPO = path.resolve(__dirname, '..');
const BUNDLE = path.join(REPO, 'dist', 'extension.js');

export async function bench(ctx: BenchContext): Promise<void> {
  if (!existsSync(BUNDLE)) {
    console.log('    dist/extension.js absent: run `npm run build` first');
    return;
  }
  await bundleSize(ctx);
  await activation(ctx);
  await treeRender(ctx);
}

/**
 * Sizes as they are in dist/ (npm run bench builds unminified; npm run package builds the same
 * entries minified: about half). Baseline: the reference server's bundle, the same core + fastify.
 */
async function bundleSize(ctx: BenchContext): Promise<void> {
  ctx.heading('bundle (dist/, as last built)');
  const mb = async (f: string) => (existsSync(f) ? (await fs.stat(f)).size / 1024 / 1024 : NaN);
  const ext = await mb(BUNDLE);
  const core = await mb(path.join(REPO, 'dist', 'extension-core.js'));
  const base = await mb(path.join(REPO, 'dist', 'dev-server.js'));
  const extra = Number.isFinite(base) ? { baseline: base, note: 'baseline: dist/dev-server.js' } : {};
  ctx.row('dist/extension.js (parsed at activation)', ext, 'MB', { ...extra });
  ctx.row('dist/extension-core.js (loaded on first use)', core, 'MB', { ...extra });
  ctx.row('both bundles (excluding model files and native binaries)', ext + core, 'MB', { ...extra, target: '<= 2 MB' });
  const minified = await minifiedSize();
  if (minified !== undefined) ctx.row('both bundles minified, as `npm run package` ships them', minified, 'MB', { ...extra, target: '<= 2 MB' });
}

/** Builds the two extension entries minified in memory, with esbuild.mjs's own external list. */
async function minifiedSize(): Promise<number | undefined> {
  const src = await fs.readFile(path.join(REPO, 'esbuild.mjs'), 'utf8');
  const m = /export const external = (\[[\s\S]*?\]);/.exec(src);
  if (!m?.[1]) return undefined;
  const external = JSON.parse(m[1].replace(/'/g, '"').replace(/,\s*\]/, ']')) as string[];
  const esbuild = await import('esbuild');
  let bytes = 0;
  for (const entry of ['src/extension/extension.ts', 'src/extension/core-entry.ts']) {
    const r = await esbuild.build({ entryPoints: [path.join(REPO, entry)], bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, write: false, external, logLevel: 'silent' });
    bytes += r.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  }
  return bytes / 1024 / 1024;
}

/**
 * Activation measured in fresh Node processes (mean of 10): require the bundle and call
 * activate() with a minimal `vscode` module injected through Module._resolveFilename — a stub
 * that exists only in this bench, answering the handful of registration calls activate() makes.
 * Baseline in the same run: compiling the bundle's source with vm.Script without running it
 * (what V8 parsing alone costs).
 */
async function activation(ctx: BenchContext): Promise<void> {
  ctx.heading('activation (fresh process each, mean of 10)');
  const runner = path.join(ctx.tmp, 'activate-runner.js');
  await fs.writeFile(runner, ACTIVATE_RUNNER);
  const n = ctx.quick ? 3 : 10;
  const req: number[] = [];
  const act: number[] = [];
  const total: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < n; i++) {
    const out = JSON.parse(execFileSync(process.execPath, [runner, BUNDLE, ctx.tmp, 'activate'], { encoding: 'utf8' })) as { requireMs: number; activateMs: number; reported: number };
    req.push(out.requireMs);
    act.push(out.activateMs);
    total.push(out.requireMs + out.activateMs);
    const p = JSON.parse(execFileSync(process.execPath, [runner, BUNDLE, ctx.tmp, 'parse'], { encoding: 'utf8' })) as { parseMs: number };
    parse.push(p.parseMs);
  }
  const base = stats(parse).mean;
  ctx.row('require(dist/extension.js)', stats(req).mean, 'ms', { baseline: base, note: 'baseline: vm.Script compile of the bundle' });
  ctx.row('activate()', stats(act).mean, 'ms');
  ctx.row('require + activate (what the extension host waits for)', stats(total).mean, 'ms', { baseline: base, target: '<= 100 ms' });
}

async function treeRender(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 1000 : 10_000;
  ctx.heading(`explorer over ${n} playbooks (80% local, 15% synced, 5% AI-generated)`);
  const dir = path.join(ctx.tmp, 'playbooks');
  await writeStore(dir, n);
  const secrets = { get: async () => undefined, set: async () => {}, delete: async () => {} };

  // Baseline, cold: the store's own first listing (scan + catalog write).
  const cold = new PlaybookStore({ playbooksDir: dir, secrets });
  const t0 = performance.now();
  await cold.listPlaybooks();
  const coldList = performance.now() - t0;

  // First render in a new window: a new store (catalog on disk), a new model, the roots and the
  // expanded Local area with every row's TreeItem.
  const store = new PlaybookStore({ playbooksDir: dir, secrets });
  const model = new PlaybookTreeModel({ listPlaybooks: () => store.listPlaybooks(), getPlaybook: (id, v) => store.getPlaybook(id, v) });
  const t1 = performance.now();
  const rows = await render(model);
  const first = performance.now() - t1;
  const t2 = performance.now();
  await store.listPlaybooks();
  const warmList = performance.now() - t2;

  const warm: number[] = [];
  const warmBase: number[] = [];
  for (let i = 0; i < 5; i++) {
    model.invalidate();
    const a = performance.now();
    await render(model);
    warm.push(performance.now() - a);
    const b = performance.now();
    await store.listPlaybooks();
    warmBase.push(performance.now() - b);
  }
  model.dispose();
  ctx.row(`first render: roots + ${rows} rows of the expanded areas`, first, 'ms', { baseline: coldList, note: 'baseline: store cold listing (first scan)' });
  ctx.row('re-render after a change (catalog warm)', stats(warm).mean, 'ms', { baseline: stats(warmBase).mean, target: 'responsive (< 150 ms)', note: 'baseline: store warm listing' });
  ctx.row('store listing right after first render', warmList, 'ms');
}

async function render(model: PlaybookTreeModel): Promise<number> {
  let rows = 0;
  const roots = await rootNodes(model);
  for (const r of roots) {
    const item = await r.getTreeItem();
    if (item.collapsible !== 'expanded') continue;
    const children: TreeNode[] = await r.getChildren();
    for (const c of children) await c.getTreeItem();
    rows += children.length;
  }
  return rows;
}

/** Writes n valid playbooks straight in the store's layout (the store's own import is benched elsewhere). */
async function writeStore(dir: string, n: number): Promise<void> {
  const now = new Date().toISOString();
  const clouds = ['aws', 'azure', 'gcp'] as const;
  for (let i = 0; i < n; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, n - i) }, async (_, k) => {
        const j = i + k;
        const area = j % 20 === 0 ? 'ai-generated' : j % 20 < 4 ? 'synced' : 'local';
        const id = `bench-playbook-${j}`;
        const vdir = path.join(dir, area, id, 'v1.0.0');
        const script = `#!/usr/bin/env bash\necho "playbook ${j} on {{target}}"\n`;
        const meta: PlaybookMetadata = {
          schema_version: 1,
          playbook_id: id,
          version: '1.0.0',
          name: `Bench playbook ${j} ${['stop rds', 'rotate keys', 'patch ec2', 'scale aks'][j % 4]}`,
          description: `Synthetic playbook number ${j} for the explorer benchmark.`,
          keywords: ['bench'],
          cloud_provider: clouds[j % 3] as (typeof clouds)[number],
          resource_types: ['rds'],
          storage_strategy: area === 'synced' ? 'uploaded_for_review' : 'local_only',
          scripts: [{ format: 'shell', path: 'shell/run.sh', sha256: sha256(script), size: Buffer.byteLength(script) }],
          parameters: [],
          source: area === 'ai-generated' ? 'ai_generated' : 'user',
          created_at: now,
          updated_at: now,
        };
        await fs.mkdir(path.join(vdir, 'shell'), { recursive: true });
        await fs.writeFile(path.join(vdir, 'shell', 'run.sh'), script);
        await fs.writeFile(path.join(vdir, 'metadata.json'), JSON.stringify(meta, null, 2));
      }),
    );
  }
}

/** Child process: injects the bench-only `vscode` stub, then requires and activates the bundle. */
const ACTIVATE_RUNNER = String.raw`
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const vm = require('node:vm');
const { performance } = require('node:perf_hooks');
const [bundle, tmp, mode] = process.argv.slice(2);
if (mode === 'parse') {
  const src = fs.readFileSync(bundle, 'utf8');
  const t = performance.now();
  new vm.Script(Module.wrap(src), { filename: bundle });
  process.stdout.write(JSON.stringify({ parseMs: performance.now() - t }));
  process.exit(0);
}
const disposable = () => ({ dispose() {} });
const event = () => disposable;
class EventEmitter { constructor() { this.event = event(); } fire() {} dispose() {} }
const vscode = {
  EventEmitter,
  Disposable: class { constructor(f) { this.f = f; } dispose() { this.f && this.f(); } },
  ThemeIcon: class { constructor(id, color) { this.id = id; this.color = color; } static File = {}; static Folder = {}; },
  ThemeColor: class { constructor(id) { this.id = id; } },
  TreeItem: class { constructor(label, state) { this.label = label; this.collapsibleState = state; } },
  MarkdownString: class { constructor(v) { this.value = v; } },
  CodeLens: class { constructor(range, command) { this.range = range; this.command = command; } },
  Range: class { constructor(a, b, c, d) { Object.assign(this, { a, b, c, d }); } },
  RelativePattern: class { constructor(base, pattern) { this.base = base; this.pattern = pattern; } },
  Uri: { file: (p) => ({ fsPath: p, scheme: 'file', path: p }) },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15 },
  window: {
    createOutputChannel: () => ({ info() {}, debug() {}, warn() {}, error() {}, trace() {}, show() {}, dispose() {} }),
    createTreeView: () => ({ message: undefined, description: undefined, dispose() {} }),
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    showErrorMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    showWarningMessage: async () => undefined,
  },
  commands: { registerCommand: disposable, executeCommand: async () => undefined },
  languages: { registerCodeLensProvider: disposable },
  workspace: {
    isTrusted: true,
    getConfiguration: () => ({ get: () => undefined }),
    onDidChangeConfiguration: event(),
    createFileSystemWatcher: () => ({ onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {} }),
  },
};
const stubPath = path.join(tmp, 'vscode-stub.js');
require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: vscode };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? stubPath : resolve.call(this, request, ...rest); };
process.env.ESCHER_HOME = path.join(tmp, 'activation-home');
const context = {
  subscriptions: [],
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: event() },
  extension: { packageJSON: { version: 'bench' } },
  globalState: { get: () => undefined, update: async () => {} },
};
(async () => {
  const t0 = performance.now();
  const ext = require(bundle);
  const t1 = performance.now();
  const api = await ext.activate(context);
  const t2 = performance.now();
  ext.deactivate();
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, reported: api && api.activationMs }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;
