import type { SyncStatus } from '../../core/metadata-publisher/status-reader';
import { escapeMd } from '../tree/markdown';

/** Status bar content for the sync state, as data (the adapter sets a StatusBarItem from it). */
export interface StatusBarData {
  text: string;
  tooltip: string;
  /** Theme colour id for the background, for states that need attention. */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
  /** What a click does: exactly what the text offers (sign in when it says so, the status otherwise). */
  command: 'escher.signIn' | 'escher.showSyncStatus';
}

export interface StatusBarState {
  /** A token is stored. */
  signedIn: boolean;
  /** The server rejected the stored token (a sync or a check said 401). */
  tokenRejected: boolean;
  running: boolean;
  syncing: boolean;
  now: number;
}

export function statusBarData(s: SyncStatus | undefined, opts: StatusBarState): StatusBarData {
  const status = 'escher.showSyncStatus' as const;
  if (!opts.signedIn) return { text: '$(plug) Escher: Sign In', tooltip: 'Not signed in: click to sign in and sync your playbooks with your tenant', command: 'escher.signIn' };
  if (opts.tokenRejected || s?.lastError?.code === 'AUTH') {
    return { text: '$(error) Escher: sign in again', tooltip: `The server rejected the token${s?.lastError?.code === 'AUTH' ? ` (${s.lastError.message})` : ''}: click to sign in again`, background: 'statusBarItem.errorBackground', command: 'escher.signIn' };
  }
  if (opts.syncing) return { text: '$(sync~spin) Escher: syncing…', tooltip: 'Syncing playbooks with your tenant', command: status };
  if (!s) return { text: '$(cloud) Escher', tooltip: 'Sync status not read yet: click to show it', command: status };
  if (s.conflicts.length > 0) {
    return { text: `$(warning) Escher: ${s.conflicts.length} conflict${s.conflicts.length === 1 ? '' : 's'}`, tooltip: 'Playbooks changed here and on the server: click for details', background: 'statusBarItem.warningBackground', command: status };
  }
  const pending = s.queued.length + s.changedSinceSync.length;
  const last = s.lastSyncAt ? `synced ${ago(Date.parse(s.lastSyncAt), opts.now)}` : 'never synced';
  if (s.lastError) return { text: `$(cloud-offline) Escher: ${pending > 0 ? `${pending} pending` : 'offline'}`, tooltip: `Last sync failed: ${s.lastError.message}\nLast success: ${last}\nClick for the sync status`, command: status };
  if (pending > 0) return { text: `$(cloud-upload) Escher: ${pending} pending`, tooltip: `${pending} change${pending === 1 ? '' : 's'} waiting for the next sync\n${last}\nClick for the sync status`, command: status };
  return { text: `$(cloud) Escher: ${last}`, tooltip: `${s.tracked} synced playbook${s.tracked === 1 ? '' : 's'}${opts.running ? ' · background sync on' : ' · background sync off'}\nClick for the sync status`, command: status };
}

export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** The Show Sync Status document (markdown). */
export function renderSyncStatus(s: SyncStatus, now: number): string {
  const lines = ['# Escher sync status', ''];
  lines.push(`- Server: ${s.serverConfigured ? 'configured' : 'not configured'} · background sync ${s.syncEnabled ? 'enabled' : 'disabled'}`);
  lines.push(`- Last successful sync: ${s.lastSyncAt ? `${s.lastSyncAt} (${ago(Date.parse(s.lastSyncAt), now)})` : 'never'}`);
  if (s.lastError) lines.push(`- Last error: ${s.lastError.code}: ${s.lastError.message}`);
  lines.push(`- Synced playbooks tracked: ${s.tracked}`);
  lines.push('', `## Queued (${s.queued.length})`, '');
  if (s.queued.length === 0) lines.push('Nothing queued.');
  for (const q of s.queued) lines.push(`- ${q.kind} \`${q.playbook_id}\` · ${q.attempts} attempt${q.attempts === 1 ? '' : 's'}${q.last_error ? ` · last error: ${q.last_error}` : ''}${q.next_attempt_at ? ` · next try ${q.next_attempt_at}` : ''}`);
  lines.push('', `## Changed since the last sync (${s.changedSinceSync.length})`, '');
  lines.push(s.changedSinceSync.length ? s.changedSinceSync.map((id) => `- \`${id}\``).join('\n') : 'None.');
  lines.push('', `## Conflicts (${s.conflicts.length})`, '');
  if (s.conflicts.length === 0) lines.push('None.');
  for (const c of s.conflicts) {
    lines.push(`- \`${c.playbook_id}\` — ${c.kind.replace(/_/g, ' ')}: ${c.message}${c.copy_id ? ` (your change is kept as \`${c.copy_id}\`)` : ''}`);
  }
  lines.push('', `## Not syncing (${s.notSyncing.length})`, '');
  if (s.notSyncing.length === 0) lines.push('None.');
  // The message may quote what a server sent: shown literally.
  for (const u of s.notSyncing) lines.push(`- \`${u.playbook_id}\` — ${escapeMd(u.message)}`);
  return `${lines.join('\n')}\n`;
}
