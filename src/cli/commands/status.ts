import type { Command } from 'commander';
import type { SyncStatus } from '../../core/metadata-publisher/status-reader';
import { CLI_HINTS, describeForCli } from '../hints';
import type { CliContext } from '../context';
import type { ModifiedVersion } from '../../core/playbook-store/types';
import { findModifiedVersions } from '../../core/playbook-store/version-integrity';

/** Where the token comes from: the environment wins over the 0600 file (FileSecretStore). */
export interface TokenState {
  present: boolean;
  source: 'env' | 'file' | null;
  /** The variable or the file it is read from. */
  from?: string;
  /** Why the token could not be read (e.g. a secrets file others can read). */
  problem?: string;
}

export interface StatusView extends SyncStatus {
  serverUrl: string;
  tenantId: string;
  token: TokenState;
  /** What syncs without being asked: nothing, for the command line (see renderStatus). */
  background: 'none' | 'disabled';
}

/**
 * status: the connection (server, tenant, signed in), the last sync and its error, queued changes,
 * conflicts and playbooks not syncing. Reads local state only: no request (run `sync` to reach the server).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('server, tenant and sign-in; last sync and its error; queued changes; conflicts needing attention; versions modified on disk')
    .action(async () => {
      const svc = await ctx.service();
      const config = ctx.config();
      const [st, token, modified] = await Promise.all([svc.publisher.status(), tokenState(ctx), svc.store.listPlaybooks().then((all) => findModifiedVersions(svc.store, all))]);
      const view: StatusView = { serverUrl: config.serverUrl, tenantId: config.tenantId, token, background: st.syncEnabled ? 'none' : 'disabled', ...st };
      ctx.out.result({ ...view, modified_on_disk: modified }, () => [...renderStatus(view, Date.now()), ...renderModified(modified)]);
    });
}

async function tokenState(ctx: CliContext): Promise<TokenState> {
  const secrets = ctx.secrets();
  const envVar = secrets.envVarFor('escher.token');
  if (ctx.env[envVar]) return { present: true, source: 'env', from: envVar };
  try {
    return (await secrets.get('escher.token')) ? { present: true, source: 'file', from: secrets.file } : { present: false, source: null };
  } catch (e) {
    return { present: false, source: null, problem: describeForCli(e) };
  }
}

/** Versions changed on disk after they were stored: each file, and the way out. */
export function renderModified(modified: readonly ModifiedVersion[]): string[] {
  const lines = [`modified on disk: ${modified.length}`];
  for (const v of modified) {
    lines.push(`  ${v.playbook_id} v${v.version} (${v.area}): ${v.files.map((f) => f.path).join(', ')}`);
    lines.push(`    ${CLI_HINTS[v.area === 'synced' ? 'version-modified-published' : 'version-modified'].replace(/\bID\b/g, v.playbook_id)}`);
  }
  return lines;
}

export function renderStatus(st: StatusView, now: number): string[] {
  const ago = (iso: string | null): string => {
    if (!iso) return 'never';
    const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    const rel = s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
    return `${iso} (${rel})`;
  };
  const t = st.token;
  const failedLast = st.lastError !== null && st.lastAttemptAt !== st.lastSyncAt;
  const refused = failedLast && st.lastError?.code === 'AUTH';
  const signedIn = t.problem
    ? `unknown: ${t.problem}`
    : t.present
      ? `yes (token ${t.source === 'env' ? 'from' : 'in'} ${t.from ?? '?'})${refused ? ', but the server refused it at the last attempt (see last error)' : ''}`
      : 'no (no token: escher-playbook login, or set ESCHER_TOKEN)';
  const lines = [
    `server:        ${st.serverUrl || 'not configured (escher-playbook login --server URL --tenant ID)'}`,
    `tenant:        ${st.tenantId || 'not configured'}`,
    `signed in:     ${signedIn}`,
    // Honest about the CLI: no daemon. The extension runs its own loop while VS Code is open.
    `background:    ${
      st.background === 'disabled'
        ? 'disabled (sync_enabled=false): only `escher-playbook sync` syncs'
        : 'none: this command line syncs only when you run `escher-playbook sync`, or while `escher-playbook sync --watch` runs (VS Code with the Escher extension syncs on its own while open)'
    }`,
    `last sync:     ${ago(st.lastSyncAt)}`,
    `synced:        ${st.tracked} playbook(s)`,
  ];
  if (failedLast && st.lastError) {
    lines.push(`last attempt:  ${ago(st.lastAttemptAt)}`);
    lines.push(`last error:    ${st.lastError.message}`);
  }
  if (st.changedSinceSync.length) lines.push(`changed here:  ${st.changedSinceSync.join(', ')} (sent by the next sync)`);
  lines.push(`queued:        ${st.queued.length}`);
  for (const q of st.queued) lines.push(`  ${q.kind} ${q.playbook_id}${q.attempts ? ` (${q.attempts} failed attempt(s): ${q.last_error ?? ''})` : ''}`);
  lines.push(`conflicts:     ${st.conflicts.length}${st.conflicts.length ? ' needing attention' : ''}`);
  for (const c of st.conflicts) lines.push(`  ${c.message}`);
  if (st.notSyncing.length) lines.push(`not syncing:   ${st.notSyncing.length} (server changes not applied here)`);
  for (const u of st.notSyncing) lines.push(`  ${u.message}`);
  return lines;
}
