import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sha256 } from '../src/core/shared/hash';
import { PlaybookStore } from '../src/core/playbook-store/store';
import type { PlaybookMetadata } from '../src/core/playbook-store/metadata';
import { schemaIssues, semanticIssues } from '../src/core/playbook-store/validate';
import { InvalidMetadataRegistry } from '../src/extension/diagnostics/invalid-metadata-registry';
import { PlaybookTreeModel } from '../src/extension/tree/playbook-tree-model';
import { rootNodes } from '../src/extension/tree/root-nodes';
import type { TreeNode } from '../src/extension/tree/tree-node';
import { type BenchContext, stats, REPO } from './harness';

export const title = 'VS Code extension: activation, bundle size, explorer over 10k playbooks';

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
 * What the .vsix ships against the 2 MB target: the three JS files it carries (.vscodeignore:
 * dist/extension.js, dist/extension-core.js, dist/embedding-worker.js), built minified in memory
 * exactly as `npm run package` builds them (esbuild.mjs --minify; the .map files stay out of the
 * .vsix). Model files and native binaries are excluded, as the target says. Baseline: the CLI —
 * the same core behind another face — built the same way (dist/cli.mjs + its chunks, minified),
 * so the ratio says what the extension costs over the core. The as-built dist/ sizes (unminified
 * after `npm run build`) follow for reference, against the CLI's dist/cli*.mjs as built.
 */
async function bundleSize(ctx: BenchContext): Promise<void> {
  ctx.heading('bundle size');
  const external = await externals();
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', minify: true, write: false, external, logLevel: 'silent' } as const;
  const shipped: Record<string, number> = {};
  for (const [out, entry] of SHIPPED) {
    const r = await esbuild.build({ ...common, entryPoints: [path.join(REPO, entry)], format: 'cjs' });
    shipped[out] = r.outputFiles.reduce((n, f) => n + f.contents.length, 0) / MB;
  }
  const cli = await esbuild.build({
    ...common,
    entryPoints: { cli: path.join(REPO, 'src/cli/bin.ts') },
    format: 'esm',
    splitting: true,
    outdir: path.join(ctx.tmp, 'cli-min'),
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli-[name]-[hash]',
  });
  const cliMin = cli.outputFiles.filter((f) => f.path.endsWith('.mjs')).reduce((n, f) => n + f.contents.length, 0) / MB;
  const minNote = { baseline: cliMin, note: `baseline: the CLI minified (${cli.outputFiles.filter((f) => f.path.endsWith('.mjs')).length} files)` };
  const total = Object.values(shipped).reduce((a, b) => a + b, 0);
  ctx.row('JS the .vsix ships, minified (extension + extension-core + embedding-worker)', total, 'MB', { ...minNote, target: '<= 2 MB' });
  for (const [out, mb] of Object.entries(shipped)) ctx.row(`  ${out} minified`, mb * 1024, 'kB', { baseline: cliMin * 1024 });

  const dist = path.join(REPO, 'dist');
  const size = async (f: string) => (existsSync(f) ? (await fs.stat(f)).size / MB : NaN);
  const cliBuilt = (await Promise.all((await fs.readdir(dist)).filter((f) => /^cli.*\.mjs$/.test(f)).map((f) => size(path.join(dist, f))))).reduce((a, b) => a + b, 0);
  const builtNote = cliBuilt > 0 ? { baseline: cliBuilt, note: 'baseline: dist/cli*.mjs as built' } : {};
  ctx.row('dist/extension.js as built (parsed at activation)', await size(BUNDLE), 'MB', builtNote);
  ctx.row('dist/extension-core.js as built (loaded on first use)', await size(path.join(dist, 'extension-core.js')), 'MB', builtNote);
}

const MB = 1024 * 1024;

/** dist/ name → entry, as esbuild.mjs builds them. */
const SHIPPED: ReadonlyArray<[string, string]> = [
  ['extension.js', 'src/extension/extension.ts'],
  ['extension-core.js', 'src/extension/core-entry.ts'],
  ['embedding-worker.js', 'src/core/local-search/embedding-worker.ts'],
];

/** esbuild.mjs's own external list (read from the file, so the bench cannot drift from it). */
async function externals(): Promise<string[]> {
  const src = await fs.readFile(path.join(REPO, 'esbuild.mjs'), 'utf8');
  const m = /export const external = (\[[\s\S]*?\]);/.exec(src);
  if (!m?.[1]) throw new Error('esbuild.mjs no longer exports `external`: update bench/extension.bench.ts');
  // Line comments (why a package is external) are not JSON.
  return JSON.parse(m[1].replace(/^\s*\/\/.*$/gm, '').replace(/'/g, '"').replace(/,\s*\]/, ']')) as string[];
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

  // The invalid-metadata scan that follows every listing (in the background): readdir per area
  // and a look at the id folders the listing left out — here none, the common case.
  const listing = await store.listPlaybooks();
  const registry = new InvalidMetadataRegistry(() => dir, () => ({ schemaIssues, semanticIssues }));
  const scans: number[] = [];
  for (let i = 0; i < 5; i++) {
    const a = performance.now();
    await registry.afterListing(listing);
    scans.push(performance.now() - a);
  }
  registry.dispose();
  ctx.row(`first render: roots + ${rows} rows of the expanded areas`, first, 'ms', { baseline: coldList, note: 'baseline: store cold listing (first scan)' });
  ctx.row('re-render after a change (catalog warm)', stats(warm).mean, 'ms', { baseline: stats(warmBase).mean, target: 'responsive (< 150 ms)', note: 'baseline: store warm listing' });
  ctx.row('store listing right after first render', warmList, 'ms');
  ctx.row('invalid-metadata scan after a listing (background, none invalid)', stats(scans).mean, 'ms', { baseline: stats(warmBase).mean, note: 'baseline: store warm listing' });
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
  Disposable: class { constructor(f) { this.f = f; } dispose() { this.f && this.f(); } static from(...ds) { return { dispose() { ds.forEach((d) => d.dispose()); } }; } },
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
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  window: {
    createOutputChannel: () => ({ info() {}, debug() {}, warn() {}, error() {}, trace() {}, show() {}, dispose() {} }),
    createTreeView: () => ({ message: undefined, description: undefined, dispose() {} }),
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    // activate() reports its own failures this way (and returns normally): a failed activation
    // must fail the bench, not be timed as a fast one.
    showErrorMessage: async (m) => { console.error('activation failed: ' + m); process.exit(1); },
    onDidChangeActiveTextEditor: event(),
    onDidChangeVisibleTextEditors: event(),
    visibleTextEditors: [],
    activeTextEditor: undefined,
    createTextEditorDecorationType: () => ({ dispose() {} }),
    showInformationMessage: async () => undefined,
    showWarningMessage: async () => undefined,
  },
  commands: { registerCommand: disposable, executeCommand: async () => undefined },
  languages: {
    registerCodeLensProvider: disposable,
    createDiagnosticCollection: () => ({ set() {}, clear() {}, delete() {}, dispose() {} }),
  },
  workspace: {
    isTrusted: true,
    getConfiguration: () => ({ get: () => undefined }),
    onDidChangeConfiguration: event(),
    onDidOpenTextDocument: event(),
    onDidCloseTextDocument: event(),
    onDidSaveTextDocument: event(),
    onDidChangeTextDocument: event(),
    onDidGrantWorkspaceTrust: event(),
    textDocuments: [],
    registerTextDocumentContentProvider: disposable,
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
