import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { json, runCli } from '../../helpers/cli';
import { seededSearchHome } from '../../helpers/search-home';

/** `escher-playbook search` and `index status|rebuild` through the built CLI (dist/cli.js + dist/embedding-worker.js). */
interface Hit {
  playbook_id: string;
  version: string;
  name: string;
  area: string;
  source: string;
  score: number;
  why: { terms: { term: string; fields: string[] }[]; concepts: string[]; semantic_similarity?: number };
  weak?: true;
}


test('cli: search --json gives hits with id, version, name, area, score and why; filters and --limit apply', async (t) => {
  const home = await seededSearchHome(t);
  const r = await runCli(home, ['search', 'shut down db weekend', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const hits = json<Hit[]>(r);
  assert.equal(hits[0]!.playbook_id, 'weekend-rds-shutdown');
  assert.deepEqual(Object.keys(hits[0]!).sort(), ['area', 'name', 'playbook_id', 'score', 'source', 'version', 'why']);
  assert.equal(hits[0]!.source, 'local');
  assert.equal(hits[0]!.version, '1.0.0');
  assert.equal(hits[0]!.area, 'local');
  assert.ok(hits[0]!.why.concepts.includes('database'));

  const one = json<Hit[]>(await runCli(home, ['search', 'restart', '--cloud', 'azure', '--limit', '1', '--json']));
  assert.deepEqual(one.map((h) => h.playbook_id), ['restart-aks-node-pool']);
  const shell = json<Hit[]>(await runCli(home, ['search', 'keys', '--format', 'shell', '--json']));
  assert.deepEqual(shell.map((h) => h.playbook_id), ['weekend-rds-shutdown']);

  const human = await runCli(home, ['search', 'rotate keys']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^ 1\. Rotate IAM access keys {2}\(rotate-iam-access-keys v1\.0\.0, local\)/);
  assert.match(human.stdout, /terms: rotate \(name\)/);
});

test('cli: bad input is one line and exit 2; nothing matches is not an error', async (t) => {
  const home = await seededSearchHome(t);
  const bad = await runCli(home, ['search', 'x', '--limit', '0']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const cloud = await runCli(home, ['search', 'x', '--cloud', 'mars']);
  assert.equal(cloud.code, 2);
  const model = await runCli(home, ['search', 'x'], { env: { ESCHER_EMBEDDING_MODEL: 'hf:acme/missing-model' } });
  assert.equal(model.code, 6);
  assert.match(model.stderr, /^error: embedding model acme\/missing-model is not in .*ESCHER_ALLOW_REMOTE_MODELS=true\)\n$/);
  const qdrant = await runCli(home, ['search', 'rotate keys', '--limit', '1'], { env: { ESCHER_QDRANT_URL: 'http://127.0.0.1:9' } });
  assert.equal(qdrant.code, 0, 'Qdrant down is a warning, not a failure');
  assert.match(qdrant.stdout, /Rotate IAM access keys/);
  assert.match(qdrant.stderr, /^warning: Qdrant at http:\/\/127\.0\.0\.1:9 \(collection user_playbooks\) is unavailable \(.*\); searching the embedded index instead\n$/);
  const none = await runCli(home, ['search', 'zzzz qqqq', '--area', 'synced']);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /no matching playbooks/);
});

test('cli: index status and rebuild; a second search reuses the index (no re-embedding)', async (t) => {
  const home = await seededSearchHome(t);
  const before = json<{ indexed: number; playbooks: number; stale: number; fileBytes: number | null }>(await runCli(home, ['index', 'status', '--json']));
  assert.deepEqual([before.indexed, before.playbooks, before.stale, before.fileBytes], [0, 3, 3, null]);
  assert.equal((await runCli(home, ['search', 'rotate keys'])).code, 0);
  const st = json<{ model: string; dimension: number; indexed: number; stale: number; fileBytes: number }>(await runCli(home, ['index', 'status', '--json']));
  assert.deepEqual([st.model, st.dimension, st.indexed, st.stale], ['use-lite@1', 512, 3, 0]);
  assert.ok(st.fileBytes > 3 * 512 * 4);
  const text = await runCli(home, ['index', 'status']);
  assert.match(text.stdout, /indexed: +3 of 3 playbook\(s\), up to date/);
  const rb = json<{ added: number; embedded: number; reset: string }>(await runCli(home, ['index', 'rebuild', '--json']));
  assert.deepEqual([rb.added, rb.embedded, rb.reset], [3, 3, 'rebuild requested']);
});

test('cli: script bodies are searched by keyword and the matching line is shown; a secret script is never indexed in clear', async (t) => {
  const home = await seededSearchHome(t);
  const secret = path.join(home, 'rotate.sh');
  await fs.writeFile(secret, '#!/bin/sh\nvault write zanzibarquokka-token\n');
  const r0 = await runCli(home, ['create', '--name', 'Secret rotation', '--description', 'Rotates a token', '--cloud', 'aws', '--secret-script', `shell=${secret}`]);
  assert.equal(r0.code, 0, r0.stderr);

  const hits = json<(Hit & { why: { script_line?: { path: string; line: number; text: string } } })[]>(await runCli(home, ['search', 'aws rds stop-db-instance', '--json']));
  assert.equal(hits[0]!.playbook_id, 'weekend-rds-shutdown');
  assert.deepEqual(hits[0]!.why.script_line, { path: 'shell/stop.sh', line: 2, text: 'aws rds stop-db-instance' });
  const human = await runCli(home, ['search', 'stop-db-instance']);
  assert.match(human.stdout, /shell\/stop\.sh:2: aws rds stop-db-instance/);

  const none = json<Hit[]>(await runCli(home, ['search', 'zanzibarquokka', '--json']));
  assert.ok(none.every((h) => !h.weak && h.playbook_id !== 'secret-rotation') || none.every((h) => h.weak), JSON.stringify(none));
  const file = await fs.readFile(path.join(home, 'search', 'user_playbooks.idx'));
  assert.equal(file.includes('zanzibarquokka'), false, 'the secret script body is not in the index file');
});

test('cli: a query nothing matches says so, and anything listed is under the weak-matches heading', async (t) => {
  const home = await seededSearchHome(t);
  const r = await runCli(home, ['search', 'banana bread recipe']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'no matching playbooks');
  if (lines.length > 1) assert.equal(lines[1], 'weak matches (no word of the query matched; similar in meaning only):');
  const j = json<Hit[]>(await runCli(home, ['search', 'banana bread recipe', '--json']));
  assert.ok(j.every((h) => h.weak === true));
});
