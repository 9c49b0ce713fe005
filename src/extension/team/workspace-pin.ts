import type { CommandContext } from '../commands/command-context';
import type { PlaybookRef } from '../commands/playbook-ref';
import { loadCore } from '../core-loader';
import { workspacePins } from './team-source';

/**
 * A playbook named without a version that this home does not hold, but the workspace's
 * escher.lock.json pins: the pinned version is the one used (and said in the log). One the store
 * holds, or one named with a version, is left as it is.
 */
export async function withWorkspacePin(ctx: CommandContext, ref: PlaybookRef): Promise<PlaybookRef> {
  if (ref.version !== undefined || ref.area !== undefined) return ref;
  const pin = (await workspacePins({ core: loadCore, workspaceFolders: () => ctx.ui.workspaceFolders(), log: ctx.log })).get(ref.playbookId);
  if (!pin) return ref;
  const svc = await ctx.service();
  if ((await svc.store.listPlaybooks()).some((p) => p.playbook_id === ref.playbookId)) return ref;
  ctx.log.info(`${ref.playbookId}: using v${pin}, the version escher.lock.json pins`);
  return { ...ref, version: pin };
}
