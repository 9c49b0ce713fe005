import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncStatus } from '../../../src/core/metadata-publisher/status-reader';
import { ago, renderSyncStatus, statusBarData } from '../../../src/extension/status/sync-status-text';

const now = Date.parse('2026-11-27T12:00:00Z');
const status = (over: Partial<SyncStatus> = {}): SyncStatus => ({
  serverConfigured: true,
  syncEnabled: true,
  lastSyncAt: '2026-11-27T11:57:00Z',
  lastAttemptAt: '2026-11-27T11:57:00Z',
  lastError: null,
  tracked: 4,
  queued: [],
  changedSinceSync: [],
  conflicts: [],
  notSyncing: [],
  ...over,
});
const opts = { signedIn: true, tokenRejected: false, running: true, syncing: false, now };

test('the status bar says last sync, pending, offline, conflicts or signed out, most urgent first', () => {
  assert.equal(statusBarData(status(), opts).text, '$(cloud) Escher: synced 3 min ago');
  assert.equal(statusBarData(status({ changedSinceSync: ['a'], queued: [{ kind: 'publish', playbook_id: 'b', attempts: 0, next_attempt_at: null }] }), opts).text, '$(cloud-upload) Escher: 2 pending');
  const offline = statusBarData(status({ lastError: { code: 'NETWORK', message: 'connect ECONNREFUSED' }, queued: [{ kind: 'publish', playbook_id: 'b', attempts: 2, next_attempt_at: null }] }), opts);
  assert.equal(offline.text, '$(cloud-offline) Escher: 1 pending');
  assert.match(offline.tooltip, /ECONNREFUSED/);
  const conflict = statusBarData(status({ conflicts: [{ playbook_id: 'x', kind: 'diverged', message: 'm', detected_at: '' }] }), opts);
  assert.equal(conflict.text, '$(warning) Escher: 1 conflict');
  assert.equal(conflict.background, 'statusBarItem.warningBackground');
  assert.equal(statusBarData(status({ lastError: { code: 'AUTH', message: '401' } }), opts).text, '$(error) Escher: sign in again');
  assert.equal(statusBarData(status(), { ...opts, signedIn: false }).text, '$(plug) Escher: Sign In');
  assert.equal(statusBarData(status(), { ...opts, syncing: true }).text, '$(sync~spin) Escher: syncing…');
});

test('every state does what its label says: the sign-in states sign in, the others show the sync status', () => {
  const signIn = [
    statusBarData(status(), { ...opts, signedIn: false }),
    statusBarData(status({ lastError: { code: 'AUTH', message: '401' } }), opts),
    // Rejected by a check or a stopped background sync, before any status was read.
    statusBarData(undefined, { ...opts, tokenRejected: true }),
    // Even mid-sync, a rejected token is what the user must act on.
    statusBarData(status(), { ...opts, tokenRejected: true, syncing: true }),
  ];
  for (const d of signIn) assert.deepEqual([d.command, /sign in/i.test(d.text)], ['escher.signIn', true], d.text);
  const others = [
    statusBarData(status(), opts),
    statusBarData(status(), { ...opts, syncing: true }),
    statusBarData(undefined, opts),
    statusBarData(status({ conflicts: [{ playbook_id: 'x', kind: 'diverged', message: 'm', detected_at: '' }] }), opts),
    statusBarData(status({ lastError: { code: 'NETWORK', message: 'down' } }), opts),
  ];
  for (const d of others) assert.deepEqual([d.command, /sign in/i.test(d.text)], ['escher.showSyncStatus', false], d.text);
});

test('relative times and the status document', () => {
  assert.equal(ago(now - 10_000, now), 'just now');
  assert.equal(ago(now - 3 * 3600_000, now), '3 h ago');
  assert.equal(ago(now - 5 * 86400_000, now), '5 days ago');
  const doc = renderSyncStatus(status({ conflicts: [{ playbook_id: 'rds-stop', kind: 'diverged', message: 'description changed on both sides', detected_at: '', copy_id: 'rds-stop-conflict-1' }] }), now);
  assert.match(doc, /- `rds-stop` — diverged: description changed on both sides \(your change is kept as `rds-stop-conflict-1`\)/);
  assert.match(doc, /Last successful sync: 2026-11-27T11:57:00Z \(3 min ago\)/);
});
