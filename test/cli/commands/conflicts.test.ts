import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { CliResult } from '../../helpers/cli';
import { runMain } from '../../helpers/cli-main';
import { Conflicts } from '../../../src/core/conflicts/conflicts';
import { PlaybookService } from '../../../src/core/service';
import { resolveConfig } from '../../../src/core/shared/config';
import { FileSecretStore } from '../../../src/core/shared/secret-file';
import { startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** conflicts / conflicts resolve as a user runs them: two homes against the real reference server on loopback. */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

async function home(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-cli-conflicts-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

function env(h: string): Record<string, string> {
  return { ESCHER_HOME: h, ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: TEST_TOKEN };
}

function cli(h: string, args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return runMain(args, { ...env(h), ...extra });
}

async function ok(h: string, args: string[]): Promise<string> {
  const r = await cli(h, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const SCRIPT = '#!/bin/sh\necho one\necho two\necho three\necho four\necho five\n';

/**
 * A conflict with a known base: A publishes, B is the same home on a second machine (a copy of
 * it, so it tracks the playbook with the same agreement), then each changes the description and
 * the script (`mine` on B, `theirs` on A) and syncs; B's sync keeps both.
 */
async function diverged(t: TestContext, id: string, edits: { mine: string; theirs: string }): Promise<{ a: string; b: string; copy: string }> {
  const a = await home(t);
  const file = (h: string, text: string) => fs.writeFile(path.join(h, 'run.sh'), text).then(() => `shell=${path.join(h, 'run.sh')}`);
  await ok(a, ['create', '--id', id, '--name', 'Stop things', '--description', 'base', '--script', await file(a, SCRIPT)]);
  await ok(a, ['publish', id, '--trusted']);
  const b = await home(t);
  await fs.cp(a, b, { recursive: true });
  await ok(a, ['update', id, '--description', 'theirs', '--script', await file(a, edits.theirs)]);
  await ok(a, ['sync']);
  await ok(b, ['update', id, '--description', 'mine', '--script', await file(b, edits.mine)]);
  const sync = await cli(b, ['sync']);
  assert.equal(sync.code, 4, sync.stdout + sync.stderr);
  const list = JSON.parse(await ok(b, ['--json', 'conflicts'])) as Array<{ playbook_id: string; copy_id: string; kind: string }>;
  assert.equal(list.length, 1, JSON.stringify(list));
  assert.equal(list[0]!.kind, 'diverged');
  return { a, b, copy: list[0]!.copy_id };
}

async function shown(h: string, id: string): Promise<{ description: string; version: string }> {
  return (JSON.parse(await ok(h, ['--json', 'show', id])) as { metadata: { description: string; version: string } }).metadata;
}

async function ids(h: string): Promise<string[]> {
  return (JSON.parse(await ok(h, ['--json', 'list'])) as Array<{ playbook_id: string }>).map((p) => p.playbook_id).sort();
}

test('resolve --keep mine: the copy becomes the next version on the server, the copy is gone and status, list and sync agree', async (t) => {
  const { a, b, copy } = await diverged(t, 'cf-mine', { mine: SCRIPT.replace('two', 'TWO'), theirs: SCRIPT.replace('four', 'FOUR') });
  assert.deepEqual(await ids(b), ['cf-mine', copy].sort());
  // A draft the user made on their own (not a conflict's merge) is theirs to keep or discard.
  await ok(b, ['draft', 'cf-mine']);
  const r = JSON.parse(await ok(b, ['--json', 'conflicts', 'resolve', 'cf-mine', '--keep', 'mine'])) as { outcome: string; publish: string; version: string };
  assert.deepEqual([r.outcome, r.publish], ['resolved', 'published']);
  assert.deepEqual((JSON.parse(await ok(b, ['--json', 'draft', 'list'])) as Array<{ playbook_id: string }>).map((d) => d.playbook_id), ['cf-mine'], 'not removed');
  assert.deepEqual(await ids(b), ['cf-mine'], 'the copy is deleted');
  const st = JSON.parse(await ok(b, ['--json', 'status'])) as { conflicts: unknown[]; queued: unknown[] };
  assert.deepEqual([st.conflicts, st.queued], [[], []]);
  assert.match(await ok(b, ['conflicts']), /no open conflicts/);
  assert.equal((await cli(b, ['sync'])).code, 0, 'a sync after the resolution has nothing left to report');
  assert.match(await ok(b, ['diff', 'cf-mine', '--server']), /^no differences between cf-mine v\S+ and server\/v\S+/);
  // The other home gets my version on its next sync.
  await ok(a, ['sync']);
  const onA = await shown(a, 'cf-mine');
  assert.deepEqual([onA.description, onA.version], ['mine', r.version]);
});

test('resolve --keep theirs drops the copy, publishes nothing and clears the conflict; naming the copy works too', async (t) => {
  const { b, copy } = await diverged(t, 'cf-theirs', { mine: SCRIPT.replace('two', 'TWO'), theirs: SCRIPT });
  const before = (await shown(b, 'cf-theirs')).version;
  // Merge… first, then the user changes their mind: the merge draft goes with the conflict.
  assert.equal((JSON.parse(await ok(b, ['--json', 'conflicts', 'resolve', 'cf-theirs', '--keep', 'draft'])) as { outcome: string }).outcome, 'draft');
  assert.deepEqual((JSON.parse(await ok(b, ['--json', 'draft', 'list'])) as Array<{ playbook_id: string; origin?: string }>).map((d) => [d.playbook_id, d.origin]), [['cf-theirs', 'merge']]);
  const r = JSON.parse(await ok(b, ['--json', 'conflicts', 'resolve', copy, '--keep', 'theirs'])) as { publish: string; version: string; playbook_id: string };
  assert.deepEqual(JSON.parse(await ok(b, ['--json', 'draft', 'list'])), [], 'the leftover merge draft is removed');
  assert.deepEqual([r.playbook_id, r.publish, r.version], ['cf-theirs', 'not-needed', before]);
  assert.deepEqual(await ids(b), ['cf-theirs']);
  assert.equal((JSON.parse(await ok(b, ['--json', 'status'])) as { conflicts: unknown[] }).conflicts.length, 0);
  assert.equal((await cli(b, ['sync'])).code, 0);
});

test('resolve --keep draft: a three-way merge to edit (script edits on other lines merge, the description collides), refused while markers remain, then published', async (t) => {
  const { a, b } = await diverged(t, 'cf-draft', { mine: SCRIPT.replace('two', 'TWO'), theirs: SCRIPT.replace('four', 'FOUR') });
  const made = JSON.parse(await ok(b, ['--json', 'conflicts', 'resolve', 'cf-draft', '--keep', 'draft'])) as { outcome: string; draft: { dir: string; conflicted: string[] } };
  assert.equal(made.outcome, 'draft');
  assert.deepEqual(made.draft.conflicted, ['metadata.json']);
  const script = await fs.readFile(path.join(made.draft.dir, 'shell', 'run.sh'), 'utf8');
  assert.equal(script, SCRIPT.replace('two', 'TWO').replace('four', 'FOUR'), 'edits on different lines merge');
  const metaFile = path.join(made.draft.dir, 'metadata.json');
  const meta = await fs.readFile(metaFile, 'utf8');
  assert.match(meta, /<<<<<<< mine\n {2}"description": "mine",\n=======\n {2}"description": "theirs",\n>>>>>>> theirs\n/);
  const refused = await cli(b, ['conflicts', 'resolve', 'cf-draft', '--keep', 'draft']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /still has conflict markers in metadata\.json/);
  assert.equal((JSON.parse(await ok(b, ['--json', 'status'])) as { conflicts: unknown[] }).conflicts.length, 1, 'nothing resolved by a refused attempt');
  await fs.writeFile(metaFile, meta.replace(/<<<<<<< mine\n.*\n=======\n.*\n>>>>>>> theirs\n/, '  "description": "both",\n'));
  const r = JSON.parse(await ok(b, ['--json', 'conflicts', 'resolve', 'cf-draft', '--keep', 'draft'])) as { outcome: string; publish: string };
  assert.deepEqual([r.outcome, r.publish], ['resolved', 'published']);
  assert.deepEqual(await ids(b), ['cf-draft']);
  assert.match(await ok(b, ['draft', 'list']), /no drafts/);
  await ok(a, ['sync']);
  assert.equal((await shown(a, 'cf-draft')).description, 'both');
  assert.match(await ok(b, ['diff', 'cf-draft', '--server']), /^no differences/);
});

test('conflicts resolve: unknown id, bad --keep, and the server down (resolved here, publish queued, exit 7)', async (t) => {
  const { b } = await diverged(t, 'cf-faults', { mine: SCRIPT.replace('two', 'TWO'), theirs: SCRIPT });
  const unknown = await cli(b, ['conflicts', 'resolve', 'no-such', '--keep', 'mine']);
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /No open conflict on "no-such" \(open conflicts: cf-faults\)/);
  const bad = await cli(b, ['conflicts', 'resolve', 'cf-faults', '--keep', 'both']);
  assert.equal(bad.code, 2);
  const down = await cli(b, ['--json', 'conflicts', 'resolve', 'cf-faults', '--keep', 'mine'], { ESCHER_SERVER_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 7, down.stderr);
  assert.equal((JSON.parse(down.stdout) as { publish: string }).publish, 'queued');
  assert.deepEqual(await ids(b), ['cf-faults'], 'my version is in the playbook (queued): the copy has served');
  const sync = await cli(b, ['--json', 'sync']);
  assert.equal(sync.code, 0, sync.stdout + sync.stderr);
  assert.match(await ok(b, ['diff', 'cf-faults', '--server']), /^no differences/);
});

test('a resolution stopped after the publish (the copy not deleted yet) is finished by a repeat, with no second version', async (t) => {
  const { b, copy } = await diverged(t, 'cf-again', { mine: SCRIPT.replace('two', 'TWO'), theirs: SCRIPT });
  const svc = new PlaybookService(resolveConfig({ home: b }, env(b)), { secrets: new FileSecretStore(b, env(b)) });
  t.after(() => svc.dispose());
  // The store as the resolution sees it, dying where a kill after the publish would stop it.
  const dying = new Proxy(svc.store, {
    get: (target, prop, receiver) => (prop === 'deletePlaybook' ? () => Promise.reject(new Error('killed')) : (Reflect.get(target, prop, receiver) as unknown)),
  });
  const stopped = new Conflicts({ store: dying, publisher: svc.publisher, drafts: svc.drafts });
  await assert.rejects(stopped.resolve('cf-again', 'mine'), /killed/);
  const after = await shown(b, 'cf-again');
  assert.equal(after.description, 'mine', 'my version is written and published');
  assert.deepEqual(await ids(b), ['cf-again', copy].sort(), 'the copy is still there, and so is the conflict');
  assert.equal((JSON.parse(await ok(b, ['--json', 'status'])) as { conflicts: unknown[] }).conflicts.length, 1);
  const r = JSON.parse(await ok(b, ['--json', 'conflicts', 'resolve', 'cf-again', '--keep', 'mine'])) as { version: string };
  assert.equal(r.version, after.version, 'the same content is not written twice');
  assert.deepEqual(await ids(b), ['cf-again']);
  assert.equal((JSON.parse(await ok(b, ['--json', 'status'])) as { conflicts: unknown[] }).conflicts.length, 0);
  assert.match(await ok(b, ['diff', 'cf-again', '--server']), /^no differences/);
});

test('deleting the conflict copy by hand clears the conflict in status and list at once, not only after the next sync', async (t) => {
  const { b, copy } = await diverged(t, 'cf-byhand', { mine: SCRIPT.replace('two', 'TWO'), theirs: SCRIPT });
  const listed = JSON.parse(await ok(b, ['--json', 'list'])) as Array<{ playbook_id: string; sync_state: string | null }>;
  assert.equal(listed.find((p) => p.playbook_id === 'cf-byhand')?.sync_state, 'conflict');
  await ok(b, ['delete', copy]);
  assert.equal((JSON.parse(await ok(b, ['--json', 'status'])) as { conflicts: unknown[] }).conflicts.length, 0);
  assert.match(await ok(b, ['conflicts']), /no open conflicts/);
  const after = JSON.parse(await ok(b, ['--json', 'list'])) as Array<{ playbook_id: string; sync_state: string | null }>;
  assert.equal(after.find((p) => p.playbook_id === 'cf-byhand')?.sync_state, 'synced');
});
