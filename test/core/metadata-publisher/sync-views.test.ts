import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { MetadataPublisher } from '../../../src/core/metadata-publisher/publisher';
import { type OutboxOp, type PlaybookSyncEntry, SyncStateFile, emptySyncState } from '../../../src/core/metadata-publisher/sync-state';
import { type LocalFacts, SyncViews } from '../../../src/core/metadata-publisher/sync-views';
import { AREAS } from '../../../src/core/playbook-store/metadata';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { syncStatesFrom } from '../../../src/extension/tree/sync-states';
import { json, runCli } from '../../helpers/cli';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

const entry = (localHash: string): PlaybookSyncEntry => ({
  revision: '2-r',
  seq: 2,
  local_version: '1.0.0',
  local_hash: localHash,
  remote_version: '1.0.0',
  remote_hash: 'R',
  sent_hashes: [],
  review_status: 'approved',
  has_vector: false,
  synced_at: '2026-01-01T00:00:00Z',
});
const publishOp = (id: string, over: Partial<OutboxOp> = {}): OutboxOp =>
  ({ kind: 'publish', key: `k-${id}`, playbook_id: id, version: '1.0.0', content_hash: 'h', move_to_synced: false, enqueued_at: '', attempts: 0, next_attempt_at: 0, ...over }) as OutboxOp;
const facts = (id: string, area: LocalFacts['area'], hash: string, strategy = 'uploaded_for_review'): LocalFacts => ({ playbook_id: id, area, content_hash: hash, storage_strategy: strategy });

test('one answer for "what is this playbook\'s sync state": conflict copies are conflicted, failed sends are failed, precedence conflict > failed > not_syncing > pending > synced', () => {
  const state = {
    playbooks: { agreed: entry('A'), edited: entry('A'), diverged: entry('A'), sending: entry('A'), kept: entry('A'), moved: entry('A') },
    outbox: [publishOp('sending', { attempts: 2, last_error: 'HTTP 503' }), publishOp('first-publish'), { ...publishOp('edited'), kind: 'delete' } as OutboxOp],
    conflicts: [{ playbook_id: 'diverged', kind: 'diverged' as const, copy_id: 'diverged-conflict-1', message: 'name changed on both sides', detected_at: '' }],
  };
  const views = SyncViews.from(state, { syncing: true });
  const phase = (f: LocalFacts) => views.of(f)?.sync_state;
  assert.equal(phase(facts('agreed', 'synced', 'A')), 'synced');
  assert.equal(phase(facts('edited', 'synced', 'B')), 'pending', 'edited since the agreement');
  assert.equal(phase(facts('diverged', 'synced', 'B')), 'conflict', 'a conflict beats a pending edit');
  assert.deepEqual(views.of(facts('diverged-conflict-1', 'local', 'C')), { review_status: null, remote_version: null, sync_state: 'conflict', detail: 'name changed on both sides', conflict_copy_of: 'diverged' }, 'the copy holding the local change is marked too, as the copy of its playbook');
  assert.equal(views.of(facts('diverged', 'synced', 'B'))?.conflict_copy, 'diverged-conflict-1', 'the playbook names its copy');
  assert.deepEqual(views.of(facts('sending', 'synced', 'B')), { review_status: 'approved', remote_version: '1.0.0', sync_state: 'failed', detail: 'publish failed 2×: HTTP 503' }, 'a failed send beats a pending edit');
  assert.equal(phase(facts('first-publish', 'local', 'X')), 'pending', 'queued, never on the server');
  // Neither is ever sent, and their server changes are not received: said, never shown as synced.
  assert.deepEqual(views.of(facts('kept', 'synced', 'B', 'local_only')), {
    review_status: 'approved',
    remote_version: '1.0.0',
    sync_state: 'not_syncing',
    detail: "kept's latest version here is local_only, so it no longer syncs: nothing is sent and the server's changes are not received; publish it with --review or --trusted to merge and share it again",
  });
  assert.equal(phase(facts('moved', 'local', 'B')), 'not_syncing', 'moved out of synced/');
  assert.match(views.of(facts('moved', 'local', 'B'))?.detail ?? '', /moved is in local\/, so it no longer syncs/);
  assert.equal(phase(facts('brand-new', 'synced', 'N')), 'pending', 'in synced/, never sent: the next sync publishes it');
  assert.equal(SyncViews.from(state, { syncing: false }).of(facts('brand-new', 'synced', 'N')), undefined, 'without a server nothing is ever sent');
  assert.equal(views.of(facts('stranger', 'local', 'S')), undefined);
});

test('property: mayKnow() is false only where of() has nothing to say (so a listing may skip parsing those rows)', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const id = fc.constantFrom(...ids);
  fc.assert(
    fc.property(
      fc.dictionary(id, fc.constantFrom('h1', 'h2')),
      fc.array(id, { maxLength: 3 }),
      fc.array(fc.tuple(id, fc.option(id, { nil: undefined })), { maxLength: 2 }),
      fc.boolean(),
      fc.array(fc.tuple(id, fc.constantFrom(...AREAS), fc.constantFrom('h1', 'h2'), fc.constantFrom('local_only', 'uploaded_trusted'))),
      (agreed, queued, conflicts, syncing, locals) => {
        const playbooks = Object.fromEntries(Object.entries(agreed).map(([k, h]) => [k, entry(h)]));
        const views = SyncViews.from({ playbooks, outbox: queued.map((q) => publishOp(q)), conflicts: conflicts.map(([p, copy]) => ({ playbook_id: p, kind: 'diverged' as const, message: 'm', detected_at: '', ...(copy ? { copy_id: copy } : {}) })) }, { syncing });
        for (const [pid, area, hash, strategy] of locals) {
          if (!views.mayKnow(pid, area)) assert.equal(views.of(facts(pid, area, hash, strategy)), undefined);
        }
      },
    ),
  );
});

test('the CLI (list --json) and the extension tree read the same state from the same home', async (t) => {
  const home = await tempDir(t, 'escher-sync-views-');
  const env = { ESCHER_SERVER_URL: 'https://escher.example', ESCHER_TENANT_ID: 'acme' };
  const create = async (id: string, area: string) => assert.equal((await runCli(home, ['create', '--id', id, '--name', id, '--description', 'd', '--area', area, '--strategy', 'uploaded_for_review'], { env })).code, 0);
  for (const id of ['pb-agreed', 'pb-edited', 'pb-new']) await create(id, 'synced');
  for (const id of ['pb-edited-conflict-1', 'pb-failed', 'pb-local']) await create(id, 'local');
  const listed = async () => json<Array<{ playbook_id: string; content_hash: string; sync_state: string | null }>>(await runCli(home, ['--json', 'list'], { env }));
  const hash = new Map((await listed()).map((r) => [r.playbook_id, r.content_hash]));
  const state = emptySyncState();
  state.playbooks = { 'pb-agreed': entry(hash.get('pb-agreed')!), 'pb-edited': entry('an older version') };
  state.outbox = [publishOp('pb-failed', { attempts: 1, last_error: 'HTTP 500' })];
  state.conflicts = [{ playbook_id: 'pb-edited', kind: 'diverged', copy_id: 'pb-edited-conflict-1', message: 'name changed on both sides', detected_at: '' }];
  await new SyncStateFile(path.join(home, 'sync')).save(state);

  const cli = Object.fromEntries((await listed()).map((r) => [r.playbook_id, r.sync_state]));
  const publisher = new MetadataPublisher({
    store: new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new MemorySecrets() }),
    api: async () => undefined, // a server is configured; reading the sync state makes no request
    syncDir: path.join(home, 'sync'),
    cacheDir: path.join(home, 'cache'),
    tenantId: env.ESCHER_TENANT_ID,
    serverUrl: env.ESCHER_SERVER_URL,
    syncEnabled: false,
    syncIntervalMinutes: 5,
  });
  const tree = syncStatesFrom(await publisher.syncViews());
  const extension = Object.fromEntries(Object.keys(cli).map((id) => [id, tree.get(id)?.phase ?? null]));
  const expected = { 'pb-agreed': 'synced', 'pb-edited': 'conflict', 'pb-edited-conflict-1': 'conflict', 'pb-failed': 'failed', 'pb-local': null, 'pb-new': 'pending' };
  assert.deepEqual(cli, expected);
  assert.deepEqual(extension, expected);
  assert.equal(tree.get('pb-failed')?.detail, 'publish failed 1×: HTTP 500');
});
