// `npm run demo`: the main job end to end in a throw-away home, on the embedded defaults
// (no Qdrant, no Escher server, no network). Part 2 starts the reference Escher server on
// 127.0.0.1 to show publishing, sync and script resolution over real HTTP.
// Every step runs the real CLI (dist/cli.js) and prints what a user would see.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const keep = process.argv.includes('--keep');
const home = mkdtempSync(path.join(os.tmpdir(), 'escher-demo-'));
const libraryHome = mkdtempSync(path.join(os.tmpdir(), 'escher-demo-library-'));
// No background search daemon: the home is thrown away at the end.
const env = { ...process.env, ESCHER_HOME: home, ESCHER_KEY: undefined, ESCHER_TOKEN: undefined, ESCHER_SEARCH_DAEMON: '0' };

function run(args, { input, homeDir = home, quiet = false } = {}) {
  console.log(`\n$ escher-playbook ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [cli, '--home', homeDir, ...args], { env, input, encoding: 'utf8' });
  if (!quiet) process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`step failed (exit ${r.status}): escher-playbook ${args.join(' ')}`);
  return r.stdout;
}

async function startServer(dataDir, libraryDir, token) {
  // The token through the environment: on the command line `ps` would show it to every user.
  const child = spawn(process.execPath, [path.join(root, 'dist', 'dev-server.js'), '--port', '0', '--data', dataDir, '--library', libraryDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ESCHER_DEV_SERVER_TOKENS: `acme=${token}` },
  });
  const firstLine = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`dev-server exited with ${code}`)));
  });
  return { url: firstLine.trim(), stop: () => child.kill('SIGTERM') };
}

let server;
try {
  console.log(`Escher Playbooks demo — ESCHER_HOME=${home}`);
  console.log('\n## 1. Offline: create, list, search, resolve, check and dry-run (embedded search store, local model)');
  run(['import', 'examples/playbooks.yaml']);
  run(['list']);
  run(['show', 'weekend-rds-shutdown']);
  run(['update', 'weekend-rds-shutdown', '--keywords', 'cost,schedule,weekend,stop,start,finops', '--bump', 'minor']);
  run(['search', 'shut down db weekend', '--limit', '3']);
  run(['search', 'rotate keys', '--limit', '3']);
  run(['search', 'k8s nodes', '--limit', '3']);
  run(['search', 'private storage', '--cloud', 'azure', '--limit', '3']);
  run(['resolve', 'weekend-rds-shutdown', '--format', 'shell']);
  // Running: preflight alone, then a dry run (verified, rendered, the exact command shown; nothing executes).
  run(['check', 'weekend-rds-shutdown']);
  run(['run', 'weekend-rds-shutdown', '--format', 'shell', '--dry-run', '--param', 'environment_tag=staging', '--cwd', os.tmpdir()]);
  run(['doctor']);

  const runbooks = path.join(root, '..', 'shared', 'data', 'aws-runbooks.json');
  if (existsSync(runbooks)) {
    console.log('\n## 1b. 175 real AWS Automation runbooks (../shared/data/aws-runbooks.json)');
    run(['import', runbooks, '--cloud', 'aws']);
    run(['search', 'restart an instance that stopped responding', '--limit', '3']);
    run(['search', 'make my bucket private', '--limit', '3']);
  } else {
    console.log('\n(skipping the AWS runbook corpus: ../shared/data is absent)');
  }

  console.log('\n## 2. With the reference Escher server on 127.0.0.1: publish, sync, resolve a library script');
  // A library playbook the user does not have: built in a second home, served by the server's --library.
  run(['create', '--name', 'Escher RDS stop', '--description', 'Library playbook: stop one RDS instance', '--cloud', 'aws', '--resource-types', 'rds', '--strategy', 'uploaded_trusted',
    '--script', `shell=${path.join(root, 'examples', 'library', 'stop-rds.sh')}`], { homeDir: libraryHome });
  const token = 'demo-' + Math.random().toString(36).slice(2);
  server = await startServer(path.join(home, '..', path.basename(home) + '-server'), path.join(libraryHome, 'playbooks', 'local'), token);
  console.log(`reference server at ${server.url}`);
  run(['login', '--server', server.url, '--tenant', 'acme', '--token-stdin'], { input: token });
  run(['publish', 'weekend-rds-shutdown', '--review']);
  run(['list', '--area', 'synced']);
  run(['sync']);
  run(['status']);
  run(['resolve', 'escher-rds-stop', '--format', 'shell']);
  run(['cache', 'stats']);
  console.log('\n## 3. Discovery: the Escher Library and one search across your playbooks, the team\'s and the library\'s');
  run(['list', '--source', 'library']);
  run(['show', 'escher-rds-stop']);
  run(['search', 'stop rds instance', '--limit', '5']);
  run(['search', '--server', 'stop rds']);
  run(['clone', 'escher-rds-stop', '--as', 'my-rds-stop']);
  console.log('\nDemo finished: every step above ran the real CLI.');
} finally {
  server?.stop();
  if (!keep) {
    rmSync(home, { recursive: true, force: true });
    rmSync(home + '-server', { recursive: true, force: true });
    rmSync(libraryHome, { recursive: true, force: true });
  } else console.log(`kept ${home}`);
}
