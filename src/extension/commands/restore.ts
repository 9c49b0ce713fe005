import type { BaseSettlement, RestoreResult } from '../../core/version-restore/version-restore';
import type { CommandContext } from './command-context';
import { describe } from './error-actions';
import { playbookFromArgOrPick } from './playbook-ref';

/**
 * Restore from Server (a modified-on-disk version's row, or the button of a refusal to run or
 * publish it): the files of a published version changed on disk are put back from the server's
 * copy of that version (the core's VersionRestore, the same one `escher-playbook restore` runs).
 * The store's change event re-reads the tree, so the row is no longer marked modified.
 */
export async function restoreFromServerFlow(ctx: CommandContext, arg: unknown): Promise<RestoreResult | undefined> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Restore from Server', areas: ['synced'] });
  if (!ref) return undefined;
  const svc = await ctx.service();
  const r = await ctx.ui.withProgress(`Restoring ${ref.playbookId} from the server…`, () => svc.restore.restore(ref.playbookId, ref.version));
  void ctx.ui.info(
    r.restored.length === 0
      ? `${r.playbook_id} v${r.version} matches its metadata.json: there was nothing to restore.`
      : `Restored ${r.restored.join(', ')} of ${r.playbook_id} v${r.version} from the server.`,
  );
  return r;
}

/** What the user is told about the version a saved draft was made from, when it was modified on disk (nothing when it was not). */
export function settlementMessage(id: string, b: BaseSettlement): string | undefined {
  const v = `${id} v${b.version}`;
  if (b.state === 'restored') return ` ${v} had files changed on disk (${b.files.join(', ')}): the new version keeps them, and v${b.version} was restored from the server.`;
  if (b.state === 'kept') return ` ${v} still has files changed on disk (${b.files.join(', ')}) and is not on the server: it stays marked modified until you delete it (Delete Version).`;
  if (b.state === 'restore-failed') return ` ${v} is still modified on disk: restoring it from the server failed (${describe(b.error)}); use Restore from Server on it later.`;
  return undefined;
}
