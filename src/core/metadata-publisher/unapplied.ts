import type { Area } from '../playbook-store/metadata';

/*
 * What `status`, the sync report and the sync views say about a server change this home did not
 * apply (sync-state.ts UnappliedChange): one wording for the writer (the sync) and the readers.
 */

/** A tracked playbook that no longer syncs here (decisions.ts isDetached). */
export function detachedMessage(id: string, local: { area: Area; storage_strategy: string } | undefined, remoteVersion: string | null): string {
  const server = remoteVersion ? `the server's change (v${remoteVersion}) is not received` : `the server's changes are not received`;
  if (local && local.area !== 'synced') return `${id} is in ${local.area}/, so it no longer syncs: nothing is sent and ${server}; move it back to synced/ or publish it to merge and share it again`;
  return `${id}'s latest version here is local_only, so it no longer syncs: nothing is sent and ${server}; publish it with --review or --trusted to merge and share it again`;
}

/** A record of the changes feed that breaks the contract (escher-api/changes-page.ts). */
export function invalidRecordMessage(id: string, version: string | null, issues: readonly string[]): string {
  const what = issues.slice(0, 2).join('; ') + (issues.length > 2 ? ` (and ${issues.length - 2} more)` : '');
  return `${id}: the server's change${version ? ` (v${version})` : ''} cannot be applied here and was skipped (${what}); the next change to it on the server is applied as usual`;
}
